import { roleLabel } from '../common/format';
import { allRoles, documentTypeLabels, type MatrixRow, type ReviewStage } from './approvalsApi';

/** Role chips with a remove button each and a picker to add one. */
function RolePicker({
  roles,
  label,
  onChange,
}: {
  roles: string[];
  label: string;
  onChange: (roles: string[]) => void;
}) {
  return (
    <span className="role-picker">
      {roles.map((role) => (
        <span key={role} className="role-chip">
          {roleLabel(role)}
          <button
            type="button"
            className="chip-remove"
            aria-label={`Remove ${roleLabel(role)} from ${label}`}
            onClick={() => onChange(roles.filter((candidate) => candidate !== role))}
          >
            ×
          </button>
        </span>
      ))}
      <select
        aria-label={`Add a role to ${label}`}
        value=""
        onChange={(event) => event.target.value && onChange([...roles, event.target.value])}
      >
        <option value="">+ role</option>
        {allRoles
          .filter((role) => !roles.includes(role))
          .map((role) => (
            <option key={role} value={role}>
              {roleLabel(role)}
            </option>
          ))}
      </select>
    </span>
  );
}

export function MatrixEditor({
  rows,
  onChange,
}: {
  rows: MatrixRow[];
  onChange: (rows: MatrixRow[]) => void;
}) {
  const update = (index: number, change: Partial<MatrixRow>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...change } : row)));
  return (
    <div className="table-scroll">
      <table className="table matrix-table matrix-editor">
        <thead>
          <tr>
            <th scope="col">Document</th>
            <th scope="col">Reviewers, in order</th>
            <th scope="col">SLA</th>
            <th scope="col">CC when late</th>
            <th scope="col">Escalation path</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => {
            const type = documentTypeLabels[row.documentType];
            const setStage = (stageIndex: number, stage: ReviewStage | null) =>
              update(index, {
                stages: row.stages.flatMap((candidate, at) =>
                  at === stageIndex ? (stage ? [stage] : []) : [candidate],
                ),
              });
            const unit = 'hours' in row.sla ? 'hours' : 'businessDays';
            const amount = 'hours' in row.sla ? row.sla.hours : row.sla.businessDays;
            return (
              <tr key={row.documentType}>
                <th scope="row">{type}</th>
                <td>
                  <ol className="stage-list">
                    {row.stages.map((stage, stageIndex) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: stages are positional.
                      <li key={stageIndex} className="stage-editor">
                        <RolePicker
                          roles={stage.roles}
                          label={`${type} stage ${stageIndex + 1}`}
                          onChange={(roles) => setStage(stageIndex, { ...stage, roles })}
                        />
                        <label className="checkbox-label">
                          <input
                            type="checkbox"
                            checked={stage.legalSignoff}
                            onChange={(event) =>
                              setStage(stageIndex, { ...stage, legalSignoff: event.target.checked })
                            }
                          />
                          Legal sign-off
                        </label>
                        <button
                          type="button"
                          className="button button-small button-quiet"
                          aria-label={`Remove ${type} stage ${stageIndex + 1}`}
                          onClick={() => setStage(stageIndex, null)}
                        >
                          Remove stage
                        </button>
                      </li>
                    ))}
                  </ol>
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() =>
                      update(index, {
                        stages: [...row.stages, { roles: [], legalSignoff: false }],
                      })
                    }
                  >
                    Add stage
                  </button>
                </td>
                <td>
                  <span className="sla-editor">
                    <input
                      type="number"
                      min={1}
                      aria-label={`${type} SLA amount`}
                      value={amount}
                      onChange={(event) =>
                        update(index, {
                          sla: { [unit]: Number(event.target.value) } as MatrixRow['sla'],
                        })
                      }
                    />
                    <select
                      aria-label={`${type} SLA unit`}
                      value={unit}
                      onChange={(event) =>
                        update(index, { sla: { [event.target.value]: amount } as MatrixRow['sla'] })
                      }
                    >
                      <option value="hours">hours</option>
                      <option value="businessDays">business days</option>
                    </select>
                  </span>
                </td>
                <td>
                  <RolePicker
                    roles={row.ccWhenLate}
                    label={`${type} CC`}
                    onChange={(ccWhenLate) => update(index, { ccWhenLate })}
                  />
                </td>
                <td>
                  <RolePicker
                    roles={row.escalation}
                    label={`${type} escalation`}
                    onChange={(escalation) => update(index, { escalation })}
                  />
                  <label className="inline-number">
                    every
                    <input
                      type="number"
                      min={1}
                      max={168}
                      value={row.escalationIntervalHours}
                      onChange={(event) =>
                        update(index, { escalationIntervalHours: Number(event.target.value) })
                      }
                    />
                    h
                  </label>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
