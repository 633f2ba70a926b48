export { loadCrew, type LoadCrewOptions, type LoadedCrew } from './loadCrew.ts';
export { listCrews, type CrewListing } from './listCrews.ts';
export { CrewFileError, CrewNotFoundError, type CrewProblem } from './errors.ts';
export { findPlaceholders } from './placeholders.ts';
