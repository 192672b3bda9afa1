/** The build's one bundle for the nodes (see scripts/build.js), so they share one transport. */
export { NetoCustomerLog } from './NetoCustomerLog.node';
export { NetoCustomerLogTrigger } from './NetoCustomerLogTrigger.node';
export { NetoOrderTrigger } from './NetoOrderTrigger.node';
