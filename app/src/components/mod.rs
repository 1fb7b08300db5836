pub mod badges;
pub mod freshness;
pub mod map_sketch;
pub mod field_msg;
pub mod local_data;
pub mod visit;
