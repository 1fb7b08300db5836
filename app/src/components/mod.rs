pub mod badges;
pub mod freshness;
pub mod map_sketch;
