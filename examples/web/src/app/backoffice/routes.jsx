// The back office of the ministry's clerks. Every path starts with /ufficio:
// the review queue (the index), an application, referents to verify,
// Section II access requests, the yearly list and the annual report. The
// frame (BackOffice) lets only staff in.
import Access from "./Access.jsx";
import AnnualReport from "./AnnualReport.jsx";
import Application from "./Application.jsx";
import Queue from "./Queue.jsx";
import Referents from "./Referents.jsx";
import { BackOffice } from "./ui.jsx";
import YearlyList from "./YearlyList.jsx";

export const routes = [
  {
    path: "ufficio",
    element: <BackOffice />,
    children: [
      { index: true, element: <Queue /> },
      { path: "domande/:id", element: <Application /> },
      { path: "referenti", element: <Referents /> },
      { path: "accessi", element: <Access /> },
      { path: "elenco-annuale", element: <YearlyList /> },
      { path: "relazione-annuale", element: <AnnualReport /> },
    ],
  },
];
