// Who gets which part of the app: the shell's navigation follows it.

/** isOffice reports whether role is the ministry's staff or a region's officer. */
export function isOffice(role) {
  return role === "staff" || (typeof role === "string" && /^region:\d{2}$/.test(role));
}

/**
 * navItems returns the navigation a person gets, as [{to, key, end}]: the
 * public pages for everyone; the association area for a logged-in person
 * who acts for a body or holds no office role (they may apply for a new
 * body); the back office for the ministry's staff ("office") and regional
 * officers ("region"). session is useSession()'s value.
 */
export function navItems(session) {
  const items = [
    { to: "/", key: "search", end: true },
    { to: "/dati-aperti", key: "openData" },
  ];
  if (!session?.loggedIn) return items;
  const office = isOffice(session.role);
  if (session.bodies?.length > 0 || !office) items.push({ to: "/area", key: "area" });
  if (office) items.push({ to: "/ufficio", key: session.role === "staff" ? "office" : "region" });
  return items;
}

/**
 * actingFor returns the body a person should act for: the one chosen if it
 * is still theirs, else their first body, else "".
 */
export function actingFor(bodies, chosen) {
  if (!bodies?.length) return "";
  return bodies.some((b) => b.id === chosen) ? chosen : bodies[0].id;
}
