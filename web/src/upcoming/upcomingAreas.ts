/** Areas that are planned but not built yet, with an honest description of what they will do. */
export interface UpcomingAreaInfo {
  path: string;
  title: string;
  summary: string;
  plans: string[];
}

export const upcomingAreas: readonly UpcomingAreaInfo[] = [
  {
    path: '/programs',
    title: 'Programs',
    summary:
      'Recurring formats and series — the shows you run again and again — will be planned here.',
    plans: [
      'Program templates with default run-of-show, hosts and offer slots',
      'Episodes generated from a program onto the calendar',
      'Goals per program, compared against results after each episode',
    ],
  },
  {
    path: '/live',
    title: 'Live room',
    summary: 'The control room for a show in progress will live here.',
    plans: [
      'Stream health, scene cues and the run-of-show clock',
      'Pinning, pausing and killing offers in one click',
      'Comment triage and stock levels in real time',
    ],
  },
  {
    path: '/analytics',
    title: 'Analytics',
    summary: 'Results across shows, brands and offers will be measured here.',
    plans: [
      'Viewers, conversion and revenue per show and per offer',
      'Attribution from posts and links to orders',
      'Comparisons across programs and time periods',
    ],
  },
  {
    path: '/postmortems',
    title: 'Post-mortems',
    summary:
      'Structured reviews after each show — what went well, what broke, what to change — will live here.',
    plans: [
      'A review template opened automatically when a show ends',
      'Incidents from the live room linked in as evidence',
      'Follow-up actions with owners and due dates',
    ],
  },
];
