//! Who is connected to this process: dashboard sockets per tenant and visitor sockets per
//! visitor. Plain maps behind one mutex, no I/O: delivering is a non-blocking offer to each
//! socket's bounded queue, and a socket whose queue is full is told to resync and close.

use std::collections::{BTreeSet, HashMap, VecDeque};
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

/// What a socket task receives when it registers; dropping it unregisters the socket (also
/// when its task panics).
pub struct Registration {
    pub id: SocketId,
    pub queue: Arc<SocketQueue>,
    owner: Owner,
    hub: Arc<Hub>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.unregister(self.id, &self.owner);
    }
}

/// A connection counted against its address's limit until dropped.
pub struct Admission {
    address: IpAddr,
    hub: Arc<Hub>,
}

impl Drop for Admission {
    fn drop(&mut self) {
        self.hub.release(self.address);
    }
}

/// A socket running on a task of its own, counted until dropped (see [`Hub::socket_task`]).
pub struct SocketTask {
    hub: Arc<Hub>,
}

impl Drop for SocketTask {
    fn drop(&mut self) {
        if self.hub.socket_tasks.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.hub.socket_tasks_done.notify_waiters();
        }
    }
}

/// Where a tenant's events stand in this process: every event up to `contiguous` was
/// dispatched, and so were those in `ahead` (events of other processes arrive out of order,
/// and one can be lost on the way). Knowing the first hole lets the position check replay
/// exactly what is missing, and lets replays and late arrivals be recognised as already sent.
#[derive(Default)]
struct Position {
    contiguous: i64,
    ahead: BTreeSet<i64>,
}

/// Events dispatched past a hole that are remembered; past that the hole is given up on
/// (its events stay in the database for any socket that resumes).
const MAX_AHEAD: usize = 65_536;

impl Position {
    /// Records `seq`; false when it was dispatched already.
    fn accept(&mut self, seq: i64) -> bool {
        if seq <= self.contiguous || !self.ahead.insert(seq) {
            return false;
        }
        if self.ahead.len() > MAX_AHEAD {
            self.contiguous = self.ahead.first().copied().unwrap_or(seq) - 1;
        }
        while self.ahead.remove(&(self.contiguous + 1)) {
            self.contiguous += 1;
        }
        true
    }
}

type Group = HashMap<SocketId, Arc<SocketQueue>>;

#[derive(Default)]
struct Registry {
    next_id: SocketId,
    dashboards: HashMap<String, Group>,
    visitors: HashMap<(String, String), Group>,
    /// Sockets per tenant, to forget a tenant's position when its last socket closes.
    sockets_per_tenant: HashMap<String, usize>,
    /// Where each tenant's events stand here (to notice what the bus missed).
    positions: HashMap<String, Position>,
    connections_per_address: HashMap<IpAddr, usize>,
}

impl Registry {
    fn add(&mut self, owner: Owner, capacity: usize) -> (SocketId, Arc<SocketQueue>, Owner) {
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
        (id, queue, owner)
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

    /// Counts a socket that runs on a task of its own until the returned guard is dropped.
    pub fn socket_task(self: &Arc<Self>) -> SocketTask {
        self.socket_tasks.fetch_add(1, Ordering::SeqCst);
        SocketTask { hub: self.clone() }
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
    pub fn register_dashboard(self: &Arc<Self>, tenant_id: &str) -> Registration {
        self.register(Owner::Dashboard(tenant_id.to_string()), DASHBOARD_QUEUE)
    }

    /// Registers a visitor socket.
    pub fn register_visitor(self: &Arc<Self>, tenant_id: &str, visitor_id: &str) -> Registration {
        let owner = Owner::Visitor(tenant_id.to_string(), visitor_id.to_string());
        self.register(owner, VISITOR_QUEUE)
    }

    fn register(self: &Arc<Self>, owner: Owner, capacity: usize) -> Registration {
        let (id, queue, owner) = self.registry().add(owner, capacity);
        Registration {
            id,
            queue,
            owner,
            hub: self.clone(),
        }
    }

    /// Removes a socket (on close), in time independent of how many sockets are connected.
    fn unregister(&self, id: SocketId, owner: &Owner) {
        let mut registry = self.registry();
        let tenant = match owner {
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
                registry.positions.remove(tenant);
            }
        }
    }

    /// Counts a connection from `address`, until the returned guard is dropped; refuses past
    /// `limit`.
    pub fn admit(self: &Arc<Self>, address: IpAddr, limit: usize) -> Option<Admission> {
        let mut registry = self.registry();
        let count = registry.connections_per_address.entry(address).or_default();
        if *count >= limit {
            return None;
        }
        *count += 1;
        Some(Admission {
            address,
            hub: self.clone(),
        })
    }

    fn release(&self, address: IpAddr) {
        let mut registry = self.registry();
        if let Some(count) = registry.connections_per_address.get_mut(&address) {
            *count -= 1;
            if *count == 0 {
                registry.connections_per_address.remove(&address);
            }
        }
    }

    /// Whether the tenant's event `seq` is new here, recording it: replays and events that
    /// arrive twice are sent to no socket again. Tenants without sockets here take everything.
    pub fn accept(&self, tenant_id: &str, seq: i64) -> bool {
        match self.registry().positions.get_mut(tenant_id) {
            Some(position) => position.accept(seq),
            None => true,
        }
    }

    /// Sends a numbered event to the tenant's dashboards.
    pub fn to_dashboards(&self, tenant_id: &str, seq: i64, frame: &Frame) {
        let registry = self.registry();
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

    /// Tenants with sockets here, with the sequence number up to which every event was
    /// dispatched.
    pub fn positions(&self) -> Vec<(String, i64)> {
        self.registry()
            .positions
            .iter()
            .map(|(t, p)| (t.clone(), p.contiguous))
            .collect()
    }

    /// Starts following the tenant from `seq` (the database's latest) when its first socket
    /// here connects; the socket itself reads anything earlier it needs. A tenant followed
    /// already keeps its position: raising it would pass over events still on their way.
    pub fn note_position(&self, tenant_id: &str, seq: i64) {
        self.registry()
            .positions
            .entry(tenant_id.to_string())
            .or_insert_with(|| Position {
                contiguous: seq,
                ahead: BTreeSet::new(),
            });
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
                .positions
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
        let hub = Arc::new(Hub::default());
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
        drop(a);
        drop(b);
        assert_eq!(hub.counts(), (0, 0));
        assert!(
            hub.positions().is_empty(),
            "a closed tenant's position kept"
        );
        hub.check_invariants();
    }

    #[test]
    fn a_visitor_with_two_tabs_keeps_the_other_when_one_closes() {
        let hub = Arc::new(Hub::default());
        let first = hub.register_visitor("t", "v");
        let second = hub.register_visitor("t", "v");
        hub.note_position("t", 3);
        drop(first);
        assert_eq!(hub.visitor_sockets("t", "v"), 1);
        assert_eq!(hub.positions(), vec![("t".to_string(), 3)]);
        hub.to_visitor("t", "v", &Frame::from("typing"), &Frame::from("{}"));
        assert!(matches!(
            second.queue.next().now_or_never(),
            Some(Some(Outgoing::Visitor { .. }))
        ));
        drop(second);
        assert_eq!(hub.counts(), (0, 0));
        hub.check_invariants();
    }

    #[test]
    fn a_full_queue_signals_overflow_instead_of_growing() {
        let hub = Arc::new(Hub::default());
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
        let hub = Arc::new(Hub::default());
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let first = hub.admit(ip, 2).expect("first");
        let second = hub.admit(ip, 2).expect("second");
        assert!(hub.admit(ip, 2).is_none());
        drop(first);
        let third = hub.admit(ip, 2).expect("a place was given back");
        drop((second, third));
        hub.check_invariants();
        assert!(hub.registry().connections_per_address.is_empty());
    }

    #[test]
    fn events_are_dispatched_once_and_the_first_hole_is_the_position() {
        let hub = Arc::new(Hub::default());
        let _socket = hub.register_dashboard("t");
        hub.note_position("t", 10);
        assert!(
            !hub.accept("t", 10),
            "already in the database when the socket came"
        );
        assert!(hub.accept("t", 11));
        // 12 is lost on the way; later events still go out, once.
        assert!(hub.accept("t", 13));
        assert!(hub.accept("t", 14));
        assert!(!hub.accept("t", 13));
        assert_eq!(hub.positions(), vec![("t".to_string(), 11)]);
        // The replay from the position fills the hole and skips what went out already.
        let replayed: Vec<bool> = (12..=14).map(|seq| hub.accept("t", seq)).collect();
        assert_eq!(replayed, [true, false, false]);
        assert_eq!(hub.positions(), vec![("t".to_string(), 14)]);
        // A second socket of the tenant does not move the position.
        let _other = hub.register_dashboard("t");
        hub.note_position("t", 20);
        assert_eq!(hub.positions(), vec![("t".to_string(), 14)]);
    }

    #[tokio::test]
    async fn a_graceful_stop_waits_for_socket_tasks() {
        let hub = Arc::new(Hub::default());
        let task = hub.socket_task();
        let waiting = tokio::spawn({
            let hub = hub.clone();
            async move { hub.socket_tasks_finished().await }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        drop(task);
        tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
            .await
            .expect("the wait ended")
            .expect("task");
    }
}
