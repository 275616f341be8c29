// The frame of every page: header, navigation, the page, footer.
import { Link, Outlet } from "react-router-dom";

export default function Shell() {
  return (
    <>
      <header>
        <Link to="/">Registro</Link>
        <nav aria-label="Sezioni">
          <Link to="/">Elenco pubblico</Link> <Link to="/area">Area associazione</Link>{" "}
          <Link to="/ufficio">Ufficio</Link>
        </nav>
      </header>
      <main id="main">
        <Outlet />
      </main>
    </>
  );
}
