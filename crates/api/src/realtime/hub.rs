//! Who is connected to this process: dashboard sockets per tenant and visitor sockets per
//! visitor. Plain maps behind one mutex, no I/O: delivering is a non-blocking `try_send` into
//! each socket's bounded queue, and a socket whose queue is full is told to resync and close.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, Notify};

/// A frame ready to send (serialized once, shared by every socket that receives it).
pub type Frame = Arc<str>;

/// What a socket's queue carries.
#[derive(Debug, Clone)]
pub enum Outgoing {
    /// A numbered dashboard event.
    Event { seq: i64, frame: Frame },
    /// An event for a visitor: its type and data, turned into widget frames by the socket.
    Visitor { kind: Frame, data: Frame },
}

/// Identifies one registered socket.
pub type SocketId = u64;

/// The hub's side of a socket.
struct SocketHandle {
    queue: mpsc::Sender<Outgoing>,
    /// Signalled when the queue overflowed: the socket must resync (dashboards) and close.
    overflowed: Arc<Notify>,
}

/// What a socket task receives when it registers.
pub struct Registration {
    pub id: SocketId,
    pub queue: mpsc::Receiver<Outgoing>,
    pub overflowed: Arc<Notify>,
}

#[derive(Default)]
struct Registry {
    next_id: SocketId,
    dashboards: HashMap<String, HashMap<SocketId, SocketHandle>>,
    visitors: HashMap<(String, String), HashMap<SocketId, SocketHandle>>,
    /// Highest sequence number dispatched per tenant (to notice what the bus missed).
    dispatched: HashMap<String, i64>,
    connections_per_address: HashMap<IpAddr, usize>,
}

/// The per-process registry of sockets.
#[derive(Default)]
pub struct Hub {
    registry: Mutex<Registry>,
}

/// Queue lengths: a dashboard can be this many events behind before it must resync.
pub const DASHBOARD_QUEUE: usize = 1024;
/// Visitors get far fewer frames (the queue's memory is allocated as it fills, not up front).
pub const VISITOR_QUEUE: usize = 256;

impl Hub {
    fn registry(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a dashboard socket of `tenant_id`.
    pub fn register_dashboard(&self, tenant_id: &str) -> Registration {
        let (handle, registration) = self.new_socket(DASHBOARD_QUEUE);
        self.registry()
            .dashboards
            .entry(tenant_id.to_string())
            .or_default()
            .insert(registration.id, handle);
        registration
    }

    /// Registers a visitor socket.
    pub fn register_visitor(&self, tenant_id: &str, visitor_id: &str) -> Registration {
        let (handle, registration) = self.new_socket(VISITOR_QUEUE);
        let key = (tenant_id.to_string(), visitor_id.to_string());
        self.registry()
            .visitors
            .entry(key)
            .or_default()
            .insert(registration.id, handle);
        registration
    }

    fn new_socket(&self, capacity: usize) -> (SocketHandle, Registration) {
        let (tx, rx) = mpsc::channel(capacity);
        let overflowed = Arc::new(Notify::new());
        let id = {
            let mut registry = self.registry();
            registry.next_id += 1;
            registry.next_id
        };
        (
            SocketHandle {
                queue: tx,
                overflowed: overflowed.clone(),
            },
            Registration {
                id,
                queue: rx,
                overflowed,
            },
        )
    }

    /// Removes a socket (on close). Empty groups are dropped so maps never grow with history.
    pub fn unregister(&self, id: SocketId) {
        let mut registry = self.registry();
        registry.dashboards.retain(|_, sockets| {
            sockets.remove(&id);
            !sockets.is_empty()
        });
        registry.visitors.retain(|_, sockets| {
            sockets.remove(&id);
            !sockets.is_empty()
        });
        let Registry {
            dashboards,
            visitors,
            dispatched,
            ..
        } = &mut *registry;
        dispatched
            .retain(|t, _| dashboards.contains_key(t) || visitors.keys().any(|(vt, _)| vt == t));
    }

    /// Counts a connection from `address`; refuses past `limit`.
    pub fn admit(&self, address: IpAddr, limit: usize) -> bool {
        let mut registry = self.registry();
        let count = registry.connections_per_address.entry(address).or_default();
        if *count >= limit {
            return false;
        }
        *count += 1;
        true
    }

    /// Forgets a connection counted by [`Hub::admit`].
    pub fn release(&self, address: IpAddr) {
        let mut registry = self.registry();
        if let Some(count) = registry.connections_per_address.get_mut(&address) {
            *count -= 1;
            if *count == 0 {
                registry.connections_per_address.remove(&address);
            }
        }
    }

    /// Sends a numbered event to the tenant's dashboards.
    pub fn to_dashboards(&self, tenant_id: &str, seq: i64, frame: &Frame) {
        let mut registry = self.registry();
        if let Some(last) = registry.dispatched.get_mut(tenant_id) {
            *last = (*last).max(seq);
        }
        if let Some(sockets) = registry.dashboards.get(tenant_id) {
            for socket in sockets.values() {
                offer(
                    socket,
                    Outgoing::Event {
                        seq,
                        frame: frame.clone(),
                    },
                );
            }
        }
    }

    /// How many sockets the visitor has here.
    pub fn visitor_sockets(&self, tenant_id: &str, visitor_id: &str) -> usize {
        let key = (tenant_id.to_string(), visitor_id.to_string());
        self.registry().visitors.get(&key).map_or(0, HashMap::len)
    }

    /// Sends an event to every socket of the visitor.
    pub fn to_visitor(&self, tenant_id: &str, visitor_id: &str, kind: &Frame, data: &Frame) {
        let registry = self.registry();
        if let Some(sockets) = registry
            .visitors
            .get(&(tenant_id.to_string(), visitor_id.to_string()))
        {
            for socket in sockets.values() {
                offer(
                    socket,
                    Outgoing::Visitor {
                        kind: kind.clone(),
                        data: data.clone(),
                    },
                );
            }
        }
    }

    /// Tenants with sockets here, with the highest sequence number dispatched to them.
    pub fn positions(&self) -> Vec<(String, i64)> {
        self.registry()
            .dispatched
            .iter()
            .map(|(t, s)| (t.clone(), *s))
            .collect()
    }

    /// Records that the tenant's sockets here are at least at `seq`; a socket calls it when it
    /// connects, which starts the safety-net polling for the tenant from that point.
    pub fn note_position(&self, tenant_id: &str, seq: i64) {
        let mut registry = self.registry();
        let last = registry
            .dispatched
            .entry(tenant_id.to_string())
            .or_insert(0);
        *last = (*last).max(seq);
    }

    /// Sockets connected now: (dashboards, visitors).
    pub fn counts(&self) -> (usize, usize) {
        let registry = self.registry();
        (
            registry.dashboards.values().map(HashMap::len).sum(),
            registry.visitors.values().map(HashMap::len).sum(),
        )
    }

    /// Panics if the registry is inconsistent (tests).
    pub fn check_invariants(&self) {
        let registry = self.registry();
        assert!(
            registry.dashboards.values().all(|s| !s.is_empty()),
            "empty dashboard group kept"
        );
        assert!(
            registry.visitors.values().all(|s| !s.is_empty()),
            "empty visitor group kept"
        );
        let mut ids: Vec<SocketId> = registry
            .dashboards
            .values()
            .chain(registry.visitors.values())
            .flat_map(|s| s.keys().copied())
            .collect();
        let total = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), total, "a socket is registered twice");
        assert!(
            registry.connections_per_address.values().all(|c| *c > 0),
            "zero count kept"
        );
    }
}

/// Queues without waiting; a full queue means the socket fell behind.
fn offer(socket: &SocketHandle, item: Outgoing) {
    if let Err(mpsc::error::TrySendError::Full(_)) = socket.queue.try_send(item) {
        socket.overflowed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivers_to_the_tenants_dashboards_only() {
        let hub = Hub::default();
        let mut a = hub.register_dashboard("a");
        let mut b = hub.register_dashboard("b");
        hub.to_dashboards("a", 1, &Frame::from("x"));
        assert!(matches!(
            a.queue.try_recv(),
            Ok(Outgoing::Event { seq: 1, .. })
        ));
        assert!(b.queue.try_recv().is_err());
        hub.check_invariants();
        hub.unregister(a.id);
        hub.unregister(b.id);
        assert_eq!(hub.counts(), (0, 0));
        hub.check_invariants();
    }

    #[test]
    fn a_full_queue_signals_overflow_instead_of_growing() {
        let hub = Hub::default();
        let socket = hub.register_visitor("t", "v");
        for _ in 0..VISITOR_QUEUE + 5 {
            hub.to_visitor(
                "t",
                "v",
                &Frame::from("message.created"),
                &Frame::from("{}"),
            );
        }
        let notified = socket.overflowed.notified();
        futures_util::pin_mut!(notified);
        assert!(
            futures_util::FutureExt::now_or_never(notified.as_mut()).is_some(),
            "overflow was not signalled"
        );
    }

    #[test]
    fn connection_limits_per_address() {
        let hub = Hub::default();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(hub.admit(ip, 2));
        assert!(hub.admit(ip, 2));
        assert!(!hub.admit(ip, 2));
        hub.release(ip);
        assert!(hub.admit(ip, 2));
        hub.release(ip);
        hub.release(ip);
        hub.check_invariants();
    }
}
