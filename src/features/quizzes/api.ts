/** What other slices may use of the quiz slice: a unit's quiz participation over a period (/report, care). */
export { quizParticipation } from './store/stats.ts';
