import type { ChangeEvent } from 'react';
import { roleLabel } from '../common/format';
import type { RolesState } from './useRoles';

interface Props {
  id: string;
  label: string;
  value: string;
  roles: RolesState;
  onChange: (role: string) => void;
  disabled?: boolean;
  /** Visually hide the label (it still names the select for assistive tech). */
  hideLabel?: boolean;
}

export function RoleSelect({ id, label, value, roles, onChange, disabled, hideLabel }: Props) {
  const known = roles.items.some((item) => item.role === value);
  return (
    <>
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        onChange={(event: ChangeEvent<HTMLSelectElement>) => onChange(event.target.value)}
      >
        {!known && <option value={value}>{value ? roleLabel(value) : 'Choose a role'}</option>}
        {roles.items.map((item) => (
          <option key={item.role} value={item.role} title={item.description}>
            {roleLabel(item.role)}
          </option>
        ))}
      </select>
    </>
  );
}

export function roleDescription(roles: RolesState, role: string): string | undefined {
  return roles.items.find((item) => item.role === role)?.description;
}
