// The Registro app's entry point: the public pages, the association area
// and the back office, one single-page application served at "/" by the Go
// server (main.go), which answers every page path with index.html.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router-dom";
import Shell from "./Shell.jsx";
import { LangProvider } from "./i18n.jsx";
import { SessionProvider } from "./session.jsx";
import { routes as publicRoutes } from "./public/routes.jsx";
import { routes as associationRoutes } from "./association/routes.jsx";
import { routes as backofficeRoutes } from "./backoffice/routes.jsx";

const router = createBrowserRouter([
  { path: "/", element: <Shell />, children: [...publicRoutes, ...associationRoutes, ...backofficeRoutes] },
]);

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <LangProvider>
      <SessionProvider>
        <RouterProvider router={router} />
      </SessionProvider>
    </LangProvider>
  </StrictMode>,
);
