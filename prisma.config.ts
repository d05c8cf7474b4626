import { defineConfig } from 'prisma/config';
export default defineConfig({ schema: 'prisma/schema', migrations: { path: 'prisma/migrations' }, datasource: { url: process.env.DATABASE_URL ?? 'file:./data/xianfeng.db' } });
