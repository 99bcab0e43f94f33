/**
 * Staged urgency messages (issue 3: "staged urgency messages driven by stock thresholds"):
 * an offer lists stages such as `{ atOrBelow: 50, message: 'Selling fast' }` and
 * `{ atOrBelow: 20, message: 'Only {left} left' }`; a live offer shows the tightest stage its
 * stock left reaches. Stages are copy, like the low-stock threshold they refine: editable
 * until the offer is armed, and not part of the terms an approval freezes.
 */
export interface UrgencyStage {
  /** The stage applies while the units left are at or below this. */
  atOrBelow: number;
  /** Shown to shoppers; `{left}` becomes the units left. */
  message: string;
}

export const maxUrgencyStages = 10;
export const maxUrgencyMessageLength = 120;
const leftPlaceholder = '{left}';
const anyPlaceholder = /\{[^}]*\}/g;

/** The stages tightest first, the order the view looks them up in. */
export function sortUrgencyStages(stages: readonly UrgencyStage[]): UrgencyStage[] {
  return [...stages].sort((a, b) => a.atOrBelow - b.atOrBelow);
}

/**
 * The message of the tightest stage `left` reaches, or null when none does. `stages` are
 * tightest first (as stored), so the first match is the tightest.
 */
export function urgencyMessageFor(stages: readonly UrgencyStage[], left: number): string | null {
  for (const stage of stages) {
    if (left <= stage.atOrBelow) return stage.message.replaceAll(leftPlaceholder, String(left));
  }
  return null;
}

/** What is wrong with a list of stages, each problem naming the stage; empty when none. */
export function urgencyStageProblems(stages: readonly UrgencyStage[]): string[] {
  const problems: string[] = [];
  const seen = new Set<number>();
  for (const [index, stage] of stages.entries()) {
    if (seen.has(stage.atOrBelow)) {
      problems.push(`stage ${index + 1}: another stage already starts at ${stage.atOrBelow} left`);
    }
    seen.add(stage.atOrBelow);
    // A typo such as {count} would reach shoppers as literal braces.
    for (const placeholder of stage.message.match(anyPlaceholder) ?? []) {
      if (placeholder !== leftPlaceholder) {
        problems.push(`stage ${index + 1}: ${placeholder} is not a placeholder (only {left} is)`);
      }
    }
  }
  return problems;
}
