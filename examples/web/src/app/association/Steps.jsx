// The progress of a form in steps: where the person is, which steps have
// problems, and a way to go to each.
import { useT } from "../i18n.jsx";
import { fieldTitle } from "../forms/steps.js";
import { strings } from "./strings.js";

/** stepTitle names a step. */
export function useStepTitle() {
  const t = useT(strings);
  return (s) => (s.kind === "project" ? t("step_progetto", { n: s.index + 1 }) : t(`step_${s.id}`));
}

export default function Steps({ steps, current, onGo, problems = {} }) {
  const t = useT(strings);
  const title = useStepTitle();
  const pct = Math.round(((current + 1) / steps.length) * 100);
  return (
    <nav aria-label={t("progress")} className="mb-4">
      <p className="mb-1">{t("step", { n: current + 1, t: steps.length })}: <strong>{title(steps[current])}</strong></p>
      <div className="progress mb-3" role="progressbar" aria-label={t("progress")} aria-valuenow={pct} aria-valuemin={0} aria-valuemax={100}>
        <div className="progress-bar" style={{ width: `${pct}%` }} />
      </div>
      <ol className="list-inline mb-0 steps-list">
        {steps.map((s, i) => (
          <li key={s.id} className="list-inline-item mb-1">
            <button type="button" className={`btn btn-sm ${i === current ? "btn-primary" : "btn-outline-primary"}`}
              aria-current={i === current ? "step" : undefined} onClick={() => onGo(i)}>
              {i + 1}. {title(s)}{problems[i]?.length ? ` (${problems[i].length} ⚠)` : ""}
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}

/**
 * ProblemList lists problems with their message in lang, each named by the
 * titles of its field in schema (a step's, whose $refs resolve in root).
 */
export function ProblemList({ placed, lang, root, schema }) {
  if (!placed?.length) return null;
  return (
    <ul className="text-danger">
      {placed.map(({ tokens, problem }, i) => {
        const where = root && schema ? fieldTitle(root, schema, tokens) : tokens.join(" › ");
        return <li key={i}>{where && <strong>{where}: </strong>}{problem.messages?.[lang] || problem.message}</li>;
      })}
    </ul>
  );
}
