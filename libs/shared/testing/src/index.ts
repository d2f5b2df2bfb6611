export type { ThrowawayDatabase } from './lib/throwaway-database';
export { createThrowawayPostgresDatabase, DEFAULT_TEST_POSTGRES_URL, testPostgresUrl } from './lib/throwaway-postgres';
export { createThrowawayMssqlDatabase, testMssqlUrl } from './lib/throwaway-mssql';
export { createTempSqlitePath, createThrowawaySqliteDatabase } from './lib/temp-sqlite';
export { describeEachDatabase, testDatabases, type TestDatabase } from './lib/test-databases';
export { TcpProxy, type TcpProxyTarget } from './lib/tcp-proxy';
export { eventually, sleep } from './lib/eventually';
