//! One route per file, by who uses it: parents (托育), families (居家上门服务), the desks
//! (operators, providers, admins, carers); the outbox page serves everyone. Each browser
//! bundle routes only its audience's pages; [`elsewhere`] stands in for the others'.

pub mod care;
pub mod desk;
pub mod elsewhere;
pub mod outbox;
pub mod parents;
