//! Who is connected to this process: dashboard sockets per tenant and visitor sockets per
//! visitor. Plain maps behind one mutex, no I/O: delivering is a non-blocking offer to each
//! socket's bounded queue, and a socket whose queue is full is told to resync and close.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

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

/// A socket's bounded outgoing queue. An idle socket holds an empty `VecDeque` (no
/// allocation), where a channel would allocate a block of slots up front for each of the
/// thousands of idle visitor sockets.
pub struct SocketQueue {
    items: Mutex<VecDeque<Outgoing>>,
    capacity: usize,
    /// Set when an item did not fit: the socket fell behind and must resync (dashboards) and
    /// close.
    overflowed: AtomicBool,
    ready: Notify,
}

impl SocketQueue {
    fn new(capacity: usize) -> SocketQueue {
        SocketQueue {
            items: Mutex::new(VecDeque::new()),
            capacity,
            overflowed: AtomicBool::new(false),
            ready: Notify::new(),
        }
    }

    fn items(&self) -> std::sync::MutexGuard<'_, VecDeque<Outgoing>> {
        self.items.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queues without waiting; a full queue marks the socket as fallen behind.
    fn offer(&self, item: Outgoing) {
        {
            let mut items = self.items();
            if items.len() < self.capacity {
                items.push_back(item);
            } else {
                self.overflowed.store(true, Ordering::Release);
            }
        }
        // A permit is stored when the socket is not waiting, so a wake-up is never lost.
        self.ready.notify_one();
    }

    /// The next item, or `None` once the queue overflowed. Cancel-safe: an item is only
    /// taken in the same poll that returns it.
    pub async fn next(&self) -> Option<Outgoing> {
        loop {
            if self.overflowed.load(Ordering::Acquire) {
                return None;
            }
            {
                let mut items = self.items();
                if let Some(item) = items.pop_front() {
                    if items.is_empty() && items.capacity() > IDLE_CAPACITY {
                        // Give back what a burst grew, so idle sockets stay small.
                        items.shrink_to(IDLE_CAPACITY);
                    }
                    return Some(item);
                }
            }
            self.ready.notified().await;
        }
    }
}

/// Capacity an emptied queue keeps.
const IDLE_CAPACITY: usize = 8;

/// Whose socket it is: where to find it again when it closes.
enum Owner {
    Dashboard(String),
    Visitor(String, String),
}

/// What a socket task receives when it registers.
pub struct Registration {
    pub id: SocketId,
    pub queue: Arc<SocketQueue>,
    owner: Owner,
}

type Group = HashMap<SocketId, Arc<SocketQueue>>;

#[derive(Default)]
struct Registry {
    next_id: SocketId,
    dashboards: HashMap<String, Group>,
    visitors: HashMap<(String, String), Group>,
    /// Sockets per tenant, to forget a tenant's position when its last socket closes.
    sockets_per_tenant: HashMap<String, usize>,
    /// Highest sequence number dispatched per tenant (to notice what the bus missed).
    dispatched: HashMap<String, i64>,
    connections_per_address: HashMap<IpAddr, usize>,
}

impl Registry {
    fn add(&mut self, owner: Owner, capacity: usize) -> Registration {
        self.next_id += 1;
        let id = self.next_id;
        let queue = Arc::new(SocketQueue::new(capacity));
        let tenant = match &owner {
            Owner::Dashboard(tenant) => {
                let group = self.dashboards.entry(tenant.clone()).or_default();
                group.insert(id, queue.clone());
                tenant
            }
            Owner::Visitor(tenant, visitor) => {
                let key = (tenant.clone(), visitor.clone());
                self.visitors
                    .entry(key)
                    .or_default()
                    .insert(id, queue.clone());
                tenant
            }
        };
        *self.sockets_per_tenant.entry(tenant.clone()).or_default() += 1;
        Registration { id, queue, owner }
    }
}

/// Takes a socket out of its group; an empty group is dropped so maps never grow with history.
fn remove_socket<K: Hash + Eq>(groups: &mut HashMap<K, Group>, key: &K, id: SocketId) {
    if let Some(group) = groups.get_mut(key) {
        group.remove(&id);
        if group.is_empty() {
            groups.remove(key);
        }
    }
}

/// The per-process registry of sockets.
#[derive(Default)]
pub struct Hub {
    registry: Mutex<Registry>,
    /// Sockets running on their own tasks (visitors), which the HTTP server does not count:
    /// a graceful stop waits for them to close before it ends the workers.
    socket_tasks: AtomicUsize,
    socket_tasks_done: Notify,
}

/// Queue lengths: a dashboard can be this many events behind before it must resync.
pub const DASHBOARD_QUEUE: usize = 1024;
/// Visitors get far fewer frames.
pub const VISITOR_QUEUE: usize = 256;

impl Hub {
    fn registry(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A socket task started.
    pub fn socket_task_started(&self) {
        self.socket_tasks.fetch_add(1, Ordering::SeqCst);
    }

    /// A socket task finished (its close frame is sent).
    pub fn socket_task_ended(&self) {
        if self.socket_tasks.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.socket_tasks_done.notify_waiters();
        }
    }

    /// Waits until no socket task runs.
    pub async fn socket_tasks_finished(&self) {
        loop {
            let done = self.socket_tasks_done.notified();
            if self.socket_tasks.load(Ordering::SeqCst) == 0 {
                return;
            }
            done.await;
        }
    }

    /// Registers a dashboard socket of `tenant_id`.
    pub fn register_dashboard(&self, tenant_id: &str) -> Registration {
        self.registry()
            .add(Owner::Dashboard(tenant_id.to_string()), DASHBOARD_QUEUE)
    }

    /// Registers a visitor socket.
    pub fn register_visitor(&self, tenant_id: &str, visitor_id: &str) -> Registration {
        let owner = Owner::Visitor(tenant_id.to_string(), visitor_id.to_string());
        self.registry().add(owner, VISITOR_QUEUE)
    }

    /// Removes a socket (on close), in time independent of how many sockets are connected.
    pub fn unregister(&self, registration: &Registration) {
        let mut registry = self.registry();
        let id = registration.id;
        let tenant = match &registration.owner {
            Owner::Dashboard(tenant) => {
                remove_socket(&mut registry.dashboards, tenant, id);
                tenant
            }
            Owner::Visitor(tenant, visitor) => {
                let key = (tenant.clone(), visitor.clone());
                remove_socket(&mut registry.visitors, &key, id);
                tenant
            }
        };
        if let Some(count) = registry.sockets_per_tenant.get_mut(tenant) {
            *count -= 1;
            if *count == 0 {
                registry.sockets_per_tenant.remove(tenant);
                registry.dispatched.remove(tenant);
            }
        }
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
                socket.offer(Outgoing::Event {
                    seq,
                    frame: frame.clone(),
                });
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
                socket.offer(Outgoing::Visitor {
                    kind: kind.clone(),
                    data: data.clone(),
                });
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
        assert_eq!(
            registry.sockets_per_tenant.values().sum::<usize>(),
            total,
            "socket counts per tenant disagree with the groups"
        );
        assert!(
            registry
                .dispatched
                .keys()
                .all(|t| registry.sockets_per_tenant.contains_key(t)),
            "a position is kept for a tenant without sockets"
        );
        assert!(
            registry.connections_per_address.values().all(|c| *c > 0),
            "zero count kept"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use futures_util::FutureExt;

    #[test]
    fn delivers_to_the_tenants_dashboards_only() {
        let hub = Hub::default();
        let a = hub.register_dashboard("a");
        let b = hub.register_dashboard("b");
        hub.note_position("a", 0);
        hub.to_dashboards("a", 1, &Frame::from("x"));
        assert!(matches!(
            a.queue.next().now_or_never(),
            Some(Some(Outgoing::Event { seq: 1, .. }))
        ));
        assert!(
            b.queue.next().now_or_never().is_none(),
            "b received a's event"
        );
        hub.check_invariants();
        hub.unregister(&a);
        hub.unregister(&b);
        assert_eq!(hub.counts(), (0, 0));
        assert!(
            hub.positions().is_empty(),
            "a closed tenant's position kept"
        );
        hub.check_invariants();
    }

    #[test]
    fn a_visitor_with_two_tabs_keeps_the_other_when_one_closes() {
        let hub = Hub::default();
        let first = hub.register_visitor("t", "v");
        let second = hub.register_visitor("t", "v");
        hub.note_position("t", 3);
        hub.unregister(&first);
        assert_eq!(hub.visitor_sockets("t", "v"), 1);
        assert_eq!(hub.positions(), vec![("t".to_string(), 3)]);
        hub.to_visitor("t", "v", &Frame::from("typing"), &Frame::from("{}"));
        assert!(matches!(
            second.queue.next().now_or_never(),
            Some(Some(Outgoing::Visitor { .. }))
        ));
        hub.unregister(&second);
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
        assert_eq!(socket.queue.items().len(), VISITOR_QUEUE);
        assert!(
            matches!(socket.queue.next().now_or_never(), Some(None)),
            "overflow was not signalled"
        );
    }

    #[tokio::test]
    async fn a_waiting_socket_is_woken_by_an_offer() {
        let hub = Arc::new(Hub::default());
        let socket = hub.register_dashboard("t");
        let sender = hub.clone();
        let waiter = tokio::spawn(async move { socket.queue.next().await });
        tokio::task::yield_now().await;
        sender.to_dashboards("t", 7, &Frame::from("x"));
        let got = tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
            .await
            .expect("woken")
            .expect("task");
        assert!(matches!(got, Some(Outgoing::Event { seq: 7, .. })));
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
