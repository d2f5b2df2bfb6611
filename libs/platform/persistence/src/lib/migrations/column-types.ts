import type { QueryRunner, TableColumnOptions } from 'typeorm';

type SupportedDriver = 'postgres' | 'mssql' | 'better-sqlite3';

interface DriverTypes {
  readonly string: string;
  readonly integer: string;
  readonly boolean: string;
  readonly timestamp: string;
  readonly text: string;
  readonly json: string;
}

/**
 * What each portable entity column type (`String`, `Number`, `Boolean`, `Date`, `'text'`, `'simple-json'`)
 * is on each driver. Spelled out here rather than asked from TypeORM at run time, so that a committed
 * migration keeps creating the same columns whatever TypeORM version runs it; the drift check
 * (see README) catches an entity that no longer matches.
 */
const TYPES: Readonly<Record<SupportedDriver, DriverTypes>> = {
  postgres: {
    string: 'varchar',
    integer: 'integer',
    boolean: 'boolean',
    timestamp: 'timestamp',
    text: 'text',
    json: 'text',
  },
  mssql: { string: 'nvarchar', integer: 'int', boolean: 'bit', timestamp: 'datetime', text: 'text', json: 'ntext' },
  'better-sqlite3': {
    string: 'varchar',
    integer: 'integer',
    boolean: 'boolean',
    timestamp: 'datetime',
    text: 'text',
    json: 'text',
  },
};

interface ColumnOptions {
  readonly nullable?: boolean;
  /** SQL default expression, e.g. `'0'`. */
  readonly default?: string;
}

/** Builds `TableColumnOptions` with the column types of the driver the migration runs on. */
export class ColumnTypes {
  private readonly types: DriverTypes;

  constructor(queryRunner: QueryRunner) {
    const driver = queryRunner.connection.driver.options.type;
    if (driver !== 'postgres' && driver !== 'mssql' && driver !== 'better-sqlite3') {
      throw new Error(`mailpush migrations support postgres, mssql and better-sqlite3, not ${driver}`);
    }
    this.types = TYPES[driver];
  }

  /** An app-generated UUID primary key (`varchar(36)`, identical on every driver). */
  primaryId(table: string, name = 'id'): TableColumnOptions {
    return {
      name,
      type: this.types.string,
      length: '36',
      isPrimary: true,
      isNullable: false,
      primaryKeyConstraintName: `PK_${table}`,
    };
  }

  id(name: string, options: ColumnOptions = {}): TableColumnOptions {
    return this.string(name, 36, options);
  }

  string(name: string, length: number, options: ColumnOptions = {}): TableColumnOptions {
    return this.column(name, this.types.string, options, String(length));
  }

  integer(name: string, options: ColumnOptions = {}): TableColumnOptions {
    return this.column(name, this.types.integer, options);
  }

  boolean(name: string, options: ColumnOptions = {}): TableColumnOptions {
    return this.column(name, this.types.boolean, options);
  }

  /** A UTC instant. */
  timestamp(name: string, options: ColumnOptions = {}): TableColumnOptions {
    return this.column(name, this.types.timestamp, options);
  }

  /** Unbounded text (watermarks, sealed credentials). */
  text(name: string, options: ColumnOptions = {}): TableColumnOptions {
    return this.column(name, this.types.text, options);
  }

  /** A `simple-json` column. */
  json(name: string, options: ColumnOptions = {}): TableColumnOptions {
    return this.column(name, this.types.json, options);
  }

  private column(name: string, type: string, options: ColumnOptions, length?: string): TableColumnOptions {
    return {
      name,
      type,
      isNullable: options.nullable ?? false,
      ...(length === undefined ? {} : { length }),
      ...(options.default === undefined ? {} : { default: options.default }),
    };
  }
}
