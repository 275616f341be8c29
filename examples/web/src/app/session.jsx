// Who is using the app: the logged-in person (GET /auth/session, kept by
// the Go server; the session cookie is out of the page's reach), what the
// service says of them (GET /v1/me: their role and the bodies they act
// for), and the body they act for now (sent as Registro-Entity).
import { createContext, useCallback, useContext, useEffect, useState } from "react";
import { ApiError, actAs, acting as actingNow, api } from "./api.js";

const SessionContext = createContext(null);

/** SessionProvider loads the session once and on refresh(). */
export function SessionProvider({ children }) {
  const [state, setState] = useState({ loading: true, loggedIn: false, bodies: [], role: "" });
  const [acting, setActingState] = useState(() => sessionStorage.getItem("registro.acting") || "");
  const refresh = useCallback(async () => {
    let who = { loggedIn: false, login: false };
    try {
      const r = await fetch("/auth/session", { headers: { Accept: "application/json" } });
      if (r.ok) who = { ...(await r.json()), login: true };
    } catch {
      // no login configured: anonymous
    }
    let me = {};
    if (who.loggedIn) {
      try {
        me = (await api("/v1/me")).data || {};
      } catch (e) {
        // A body the person no longer acts for (a referent revoked, another
        // representative named) refuses the request: act for none, ask again.
        if (e instanceof ApiError && e.status === 403 && actingNow()) {
          actAs("");
          sessionStorage.setItem("registro.acting", "");
          setActingState("");
          me = (await api("/v1/me").catch(() => ({ data: {} }))).data || {};
        }
      }
    }
    // GET /v1/me says role "region" with the region apart: the session's
    // role is "region:NN" (see useSession); without /v1/me, the session's own.
    const role = me.role === "staff" ? "staff" : me.role === "region" && me.region ? `region:${me.region}` : who.role || "";
    setState({ loading: false, ...who, role, bodies: me.bodies || [] });
  }, []);
  useEffect(() => {
    refresh();
  }, [refresh]);
  const setActing = useCallback((id) => {
    sessionStorage.setItem("registro.acting", id || "");
    setActingState(id || "");
  }, []);
  actAs(acting);
  return <SessionContext.Provider value={{ ...state, acting, setActing, refresh }}>{children}</SessionContext.Provider>;
}

/**
 * useSession returns {loading, login (whether people can log in here),
 * loggedIn, fiscalNumber, name, role ("staff", "region:NN" or ""; from
 * /v1/me, else from the login's role claim), bodies ([{id, name, ...}] the person acts for),
 * acting (the register ID they act for now), setActing(id), refresh()}.
 */
export function useSession() {
  return useContext(SessionContext);
}
