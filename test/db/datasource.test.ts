import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseUrlError, pgConnectionFields, pgUrlWithDatabase, providerOf, redactUrl, sqliteFilePath } from '../../src/db/datasource.ts';

describe('DATABASE_URL', () => {
  it('names the provider: file: is SQLite, postgresql:// and postgres:// are PostgreSQL', () => {
    expect(providerOf('file:./data/xianfeng.db')).toBe('sqlite');
    expect(providerOf('postgresql://u:p@h:5432/d')).toBe('postgresql');
    expect(providerOf('postgres://h/d')).toBe('postgresql');
  });

  it('refuses anything else with one line saying what is accepted, password hidden', () => {
    expect(() => providerOf('mysql://root:secret@h/db')).toThrow(DatabaseUrlError);
    expect(() => providerOf('mysql://root:secret@h/db')).toThrow(/^DATABASE_URL "mysql:\/\/root:\*\*\*@h\/db" is not supported: use file:<path> \(SQLite\) or postgresql:\/\//);
    expect(() => providerOf('')).toThrow(/DATABASE_URL is empty/);
    expect(() => providerOf('./data/x.db')).toThrow(/not supported/);
  });

  it('resolves a SQLite file against the working directory and ignores a query string', () => {
    expect(sqliteFilePath('file:./data/x.db', '/srv/bot')).toBe('/srv/bot/data/x.db');
    expect(sqliteFilePath('file:x.db?connection_limit=1', '/srv/bot')).toBe('/srv/bot/x.db');
    expect(sqliteFilePath('file:/var/lib/x.db', '/srv/bot')).toBe('/var/lib/x.db');
    expect(sqliteFilePath('file:///var/lib/my%20x.db', '/srv/bot')).toBe('/var/lib/my x.db');
    expect(sqliteFilePath('file:./x.db')).toBe(path.resolve('x.db'));
  });

  it('refuses a SQLite URL without a file', () => {
    expect(() => sqliteFilePath('file:')).toThrow(/names no file/);
    expect(() => sqliteFilePath('file::memory:')).toThrow(/names no file/);
  });

  it('splits a PostgreSQL URL into decoded fields with defaults', () => {
    expect(pgConnectionFields('postgresql://bot:p%40ss@db.local:6543/xian%20feng?sslmode=require')).toEqual({
      host: 'db.local',
      port: 6543,
      user: 'bot',
      password: 'p@ss',
      database: 'xian feng',
      search: '?sslmode=require',
    });
    expect(pgConnectionFields('postgres://h')).toMatchObject({ port: 5432, user: 'postgres', password: undefined, database: 'postgres' });
    expect(() => pgConnectionFields('postgresql://')).toThrow(/not a valid URL|names no host/);
  });

  it('points a URL at another database, keeping credentials and options', () => {
    expect(pgUrlWithDatabase('postgresql://u:p@h:1/a?sslmode=disable', 'b_c')).toBe('postgresql://u:p@h:1/b_c?sslmode=disable');
  });

  it('hides passwords in URLs it shows', () => {
    expect(redactUrl('postgresql://u:secret@h:1/a')).toBe('postgresql://u:***@h:1/a');
    expect(redactUrl('postgresql://h/a')).toBe('postgresql://h/a');
    expect(redactUrl('file:./x.db')).toBe('file:./x.db');
  });
});
