import type pg from 'pg';
import type { Airport } from '../../fixtures/airports.ts';

/**
 * Loads airports into the airports table: an upsert by ident, one statement per 1,000 airports
 * (arrays through unnest), so loading twice changes nothing and a corrected file updates rows.
 */
export async function loadAirportsTable(client: pg.Client | pg.PoolClient | pg.Pool, airports: Airport[]) {
  let upserted = 0;
  for (let i = 0; i < airports.length; i += 1_000) {
    const chunk = airports.slice(i, i + 1_000);
    const res = await client.query(
      `INSERT INTO airports (ident, name, iata, type, geom, elevation_m)
       SELECT ident, name, iata, type, ST_SetSRID(ST_MakePoint(lon, lat), 4326), elevation_m
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::real[])
         AS a(ident, name, iata, type, lon, lat, elevation_m)
       ON CONFLICT (ident) DO UPDATE SET name = excluded.name, iata = excluded.iata, type = excluded.type,
         geom = excluded.geom, elevation_m = excluded.elevation_m`,
      [
        chunk.map((a) => a.ident),
        chunk.map((a) => a.name),
        chunk.map((a) => a.iata),
        chunk.map((a) => a.type),
        chunk.map((a) => a.lon),
        chunk.map((a) => a.lat),
        chunk.map((a) => a.elevationM),
      ],
    );
    upserted += res.rowCount ?? 0;
  }
  return upserted;
}
