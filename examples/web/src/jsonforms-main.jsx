import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import JsonFormsApp from "./JsonFormsApp.jsx";
import "./jsonforms.css";

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <JsonFormsApp />
  </StrictMode>,
);
