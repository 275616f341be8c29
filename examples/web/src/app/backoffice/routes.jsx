// The back office of the ministry's clerks. Every path starts with /ufficio.
export const routes = [{ path: "ufficio", element: <h1>Ufficio</h1> }];
