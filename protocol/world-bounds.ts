/** Half the side of the square walkable ground, in metres: positions stay within [-extent, extent]. */
export const WORLD_HALF_EXTENT = 64;
