// The association area: a person's bodies, the application wizard, the
// annual report in steps. Every path starts with /area.
export const routes = [{ path: "area", element: <h1>Area associazione</h1> }];
