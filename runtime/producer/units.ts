/** Aviation units to the contract's SI units (receivers speak feet, knots and feet per minute). */
export const M_PER_FT = 0.3048;
export const MS_PER_KT = 1852 / 3600;
export const MS_PER_FPM = M_PER_FT / 60;
