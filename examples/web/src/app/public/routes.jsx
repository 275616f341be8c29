// The public pages: the Section I list, a body's public page, open data.
export const routes = [{ index: true, element: <h1>Registro — Sezione I</h1> }];
