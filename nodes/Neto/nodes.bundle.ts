/** The build's one bundle for both nodes (see scripts/build.js), so they share one transport. */
export { NetoCustomerLog } from './NetoCustomerLog.node';
export { NetoCustomerLogTrigger } from './NetoCustomerLogTrigger.node';
