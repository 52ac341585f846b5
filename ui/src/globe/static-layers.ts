import * as THREE from 'three';
import { mesh } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import type { AirportFeature } from '../agent.ts';
import { geoToScene } from '../core/geo.ts';
import { GLOBE_RADIUS } from './scale.ts';

/**
 * Country borders as ONE LineSegments draw call. globe.gl's polygons layer makes a mesh and a
 * line object per country (~350 draw calls for 110m): measured as the largest share of the frame
 * under software WebGL.
 */
export function countryBorders(topo: Topology, colour = 0x4d6f8f): THREE.LineSegments {
  // biome-ignore lint/suspicious/noExplicitAny: the topology's object keys are not typed
  const lines = mesh(topo, (topo.objects as any).countries);
  const verts: number[] = [];
  const a = [0, 0, 0];
  const b = [0, 0, 0];
  for (const line of lines.coordinates) {
    for (let i = 1; i < line.length; i++) {
      const [lon0, lat0] = line[i - 1] as [number, number];
      const [lon1, lat1] = line[i] as [number, number];
      geoToScene(lat0, lon0, 0.0005, GLOBE_RADIUS, a, 0);
      geoToScene(lat1, lon1, 0.0005, GLOBE_RADIUS, b, 0);
      verts.push(a[0]!, a[1]!, a[2]!, b[0]!, b[1]!, b[2]!);
    }
  }
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.Float32BufferAttribute(verts, 3));
  return new THREE.LineSegments(g, new THREE.LineBasicMaterial({ color: colour }));
}

/** Airports as one static Points draw call (small squares, fixed pixel size). */
export function airportPoints(airports: readonly AirportFeature[], colour = 0x56687a): THREE.Points {
  const pos = new Float32Array(airports.length * 3);
  airports.forEach((f, i) => {
    const [lon, lat] = f.geometry.coordinates;
    geoToScene(lat, lon, 0.0003, GLOBE_RADIUS, pos, i * 3);
  });
  const g = new THREE.BufferGeometry();
  g.setAttribute('position', new THREE.BufferAttribute(pos, 3));
  const m = new THREE.PointsMaterial({ color: colour, size: 2, sizeAttenuation: false });
  const p = new THREE.Points(g, m);
  p.renderOrder = -1;
  return p;
}
