/** The console's areas, in navigation order. */
export interface Area {
  path: string;
  label: string;
  /** Single-glyph icon drawn in CSS-free text so the nav stays readable without an icon font. */
  icon: string;
}

export const areas: readonly Area[] = [
  { path: '/calendar', label: 'Calendar', icon: '▦' },
  { path: '/programs', label: 'Programs', icon: '◫' },
  { path: '/offers', label: 'Offers', icon: '◈' },
  { path: '/orders', label: 'Orders', icon: '▤' },
  { path: '/approvals', label: 'Approvals', icon: '✓' },
  { path: '/live', label: 'Live room', icon: '●' },
  { path: '/analytics', label: 'Analytics', icon: '▲' },
  { path: '/postmortems', label: 'Post-mortems', icon: '✎' },
  { path: '/benchmarks', label: 'Benchmarks', icon: '≋' },
  { path: '/settings', label: 'Settings', icon: '⚙' },
];
