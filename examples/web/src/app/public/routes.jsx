// The public pages: the Section I list and its search, a body's public
// page, the open data. Everything they show comes from the service's
// public answers, read without the session (data.js). The catch-all "*"
// answers an address no area has with "page not found".
import Search from "./Search.jsx";
import Body from "./Body.jsx";
import OpenData from "./OpenData.jsx";
import NotFound from "./NotFound.jsx";

export const routes = [
  { index: true, element: <Search /> },
  { path: "enti/:id", element: <Body /> },
  { path: "dati-aperti", element: <OpenData /> },
  { path: "*", element: <NotFound /> },
];
