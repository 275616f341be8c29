import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import JsonFormsApp from "./JsonFormsApp.jsx";
import "./style.css";

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <JsonFormsApp />
  </StrictMode>,
);
