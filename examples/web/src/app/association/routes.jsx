// The association area: a person's bodies, the application wizard, the
// annual report in steps, past reports. Every path starts with /area.
import Application from "./Application.jsx";
import Home from "./Home.jsx";
import Report from "./Report.jsx";
import { Reports, Revision } from "./Reports.jsx";

export const routes = [
  { path: "area", element: <Home /> },
  { path: "area/domanda", element: <Application /> },
  { path: "area/relazione/:year", element: <Report /> },
  { path: "area/relazioni", element: <Reports /> },
  { path: "area/relazioni/:year/:revision", element: <Revision /> },
];
