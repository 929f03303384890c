// Positions live in shared/positions.ts (the client formats kubeconfig errors with them too).
export * from '../../shared/positions';
