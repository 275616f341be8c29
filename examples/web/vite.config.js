import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Static build into dist/; the Go server (main.go) serves it next to the API
// on one origin, so the page fetches /v1/... with no CORS.
export default defineConfig({
  plugins: [react()],
  // Three pages: the app (index.html, every other path of the app too), the
  // rjsf questionnaire check (check.html) and the JSON Forms one (jsonforms.html).
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2048,
    rollupOptions: { input: { app: "index.html", check: "check.html", jsonforms: "jsonforms.html" } },
  },
  server: { proxy: { "/v1": "http://127.0.0.1:8090", "/auth": "http://127.0.0.1:8090" } }, // `npm run dev` against `go run ./examples/web`
});
