export { DEMO_ACCOUNTS, isDemoPassword, type DemoAccount } from './demo-accounts';
export { hashPassword, verifyPassword } from './passwords';
