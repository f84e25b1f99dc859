//! libp2p networking. One task owns the Swarm ([`EventLoop`]); the rest of
//! the node talks to it through a [`Client`] over a bounded channel, each
//! command with a oneshot reply, and hears from it through bounded [`Event`]s.
//! It carries messages and makes no application decision: what a gossiped
//! entry or a handoff means is the core's to say. It knows no type of the
//! node above it.

mod codec;

/// What can go wrong in the network layer.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    #[error("the network task has stopped; the node is shutting down")]
    Stopped,
    #[error("network: {0}")]
    Other(String),
}

pub type Result<T, E = NetworkError> = std::result::Result<T, E>;

/// The counters the network layer keeps up to date, handed in by whoever
/// owns the node's metrics.
#[derive(Debug, Clone, Default)]
pub struct NetworkCounters {
    /// Events dropped because the node did not take them in time.
    pub events_dropped: prometheus_client::metrics::counter::Counter,
    /// Connections refused from peers the charter does not list.
    pub connections_refused: prometheus_client::metrics::counter::Counter,
    /// Peers connected now.
    pub peers_connected: prometheus_client::metrics::gauge::Gauge,
}
use codec::WireCodec;
use futures::StreamExt;
use libp2p::allow_block_list::{self, AllowedPeers};
use libp2p::gossipsub::{
    self, IdentTopic, MessageAcceptance, MessageAuthenticity, MessageId, ValidationMode,
};
use libp2p::request_response::{self, OutboundRequestId, ProtocolSupport, ResponseChannel};
use libp2p::swarm::dial_opts::DialOpts;
use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
use libp2p::{
    connection_limits, identify, noise, ping, tcp, yamux, Multiaddr, PeerId, StreamProtocol, Swarm,
};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use unionfed_protocol::limits::MAX_GOSSIP_MESSAGE_BYTES;
use unionfed_protocol::wire::{
    HandoffRequest, HandoffResponse, SyncRequest, SyncResponse, GOSSIP_TOPIC, HANDOFF_PROTOCOL,
    SYNC_PROTOCOL,
};

/// Commands waiting for the network task.
const COMMAND_QUEUE: usize = 1024;
/// Events waiting for the node.
pub const EVENT_QUEUE: usize = 1024;
/// Redial backoff starts here and doubles up to the configured maximum.
const REDIAL_MIN: Duration = Duration::from_secs(1);

type SyncCodec = WireCodec<SyncRequest, SyncResponse>;
type HandoffCodec = WireCodec<HandoffRequest, HandoffResponse>;

#[derive(NetworkBehaviour)]
struct Behaviour {
    allowed: allow_block_list::Behaviour<AllowedPeers>,
    limits: connection_limits::Behaviour,
    gossipsub: gossipsub::Behaviour,
    sync: request_response::Behaviour<SyncCodec>,
    handoff: request_response::Behaviour<HandoffCodec>,
    identify: identify::Behaviour,
    ping: ping::Behaviour,
}

/// What the network tells the node.
#[derive(Debug)]
pub enum Event {
    /// A gossip message to validate; answer with [`Client::report_validation`].
    Gossip {
        source: PeerId,
        id: MessageId,
        data: Vec<u8>,
    },
    /// A sync request to answer with [`Client::respond_sync`].
    SyncRequest {
        peer: PeerId,
        request: SyncRequest,
        channel: ResponseChannel<SyncResponse>,
    },
    /// A handoff request to answer with [`Client::respond_handoff`].
    HandoffRequest {
        peer: PeerId,
        request: HandoffRequest,
        channel: ResponseChannel<HandoffResponse>,
    },
    Connected(PeerId),
    Disconnected(PeerId),
}

/// Network settings taken from the node's configuration.
#[derive(Debug, Clone)]
pub struct NetworkConfig {
    pub listen: Vec<Multiaddr>,
    pub idle_timeout: Duration,
    pub max_connections: u32,
    pub redial_max_backoff: Duration,
}

enum Command {
    Publish {
        data: Vec<u8>,
        reply: oneshot::Sender<Result<()>>,
    },
    ReportValidation {
        id: MessageId,
        source: PeerId,
        acceptance: MessageAcceptance,
    },
    Sync {
        peer: PeerId,
        request: SyncRequest,
        reply: oneshot::Sender<Result<SyncResponse>>,
    },
    RespondSync {
        channel: ResponseChannel<SyncResponse>,
        response: SyncResponse,
    },
    Handoff {
        peer: PeerId,
        request: HandoffRequest,
        reply: oneshot::Sender<Result<HandoffResponse>>,
    },
    RespondHandoff {
        channel: ResponseChannel<HandoffResponse>,
        response: HandoffResponse,
    },
    SetPeers {
        peers: HashMap<PeerId, Vec<Multiaddr>>,
    },
    AddAddress {
        peer: PeerId,
        address: Multiaddr,
    },
    Block {
        peer: PeerId,
        blocked: bool,
    },
    Connected {
        reply: oneshot::Sender<Vec<PeerId>>,
    },
    GossipPeers {
        reply: oneshot::Sender<Vec<PeerId>>,
    },
    ListenAddresses {
        reply: oneshot::Sender<Vec<Multiaddr>>,
    },
}

/// A cloneable handle to the network task.
#[derive(Clone)]
pub struct Client {
    commands: mpsc::Sender<Command>,
    local_peer_id: PeerId,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("peer_id", &self.local_peer_id)
            .finish()
    }
}

impl Client {
    pub fn local_peer_id(&self) -> PeerId {
        self.local_peer_id
    }

    async fn send(&self, command: Command) -> Result<()> {
        self.commands
            .send(command)
            .await
            .map_err(|_| NetworkError::Stopped)
    }

    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Command) -> Result<T> {
        let (reply, answer) = oneshot::channel();
        self.send(make(reply)).await?;
        answer.await.map_err(|_| NetworkError::Stopped)
    }

    /// Publishes on the gossip topic. Having no peers is not an error: the
    /// entry is stored, and peers pull it when they connect.
    pub async fn publish(&self, data: Vec<u8>) -> Result<()> {
        self.ask(|reply| Command::Publish { data, reply }).await?
    }

    pub async fn report_validation(
        &self,
        id: MessageId,
        source: PeerId,
        acceptance: MessageAcceptance,
    ) -> Result<()> {
        self.send(Command::ReportValidation {
            id,
            source,
            acceptance,
        })
        .await
    }

    pub async fn sync(&self, peer: PeerId, request: SyncRequest) -> Result<SyncResponse> {
        self.ask(|reply| Command::Sync {
            peer,
            request,
            reply,
        })
        .await?
    }

    pub async fn respond_sync(
        &self,
        channel: ResponseChannel<SyncResponse>,
        response: SyncResponse,
    ) -> Result<()> {
        self.send(Command::RespondSync { channel, response }).await
    }

    pub async fn handoff(&self, peer: PeerId, request: HandoffRequest) -> Result<HandoffResponse> {
        self.ask(|reply| Command::Handoff {
            peer,
            request,
            reply,
        })
        .await?
    }

    pub async fn respond_handoff(
        &self,
        channel: ResponseChannel<HandoffResponse>,
        response: HandoffResponse,
    ) -> Result<()> {
        self.send(Command::RespondHandoff { channel, response })
            .await
    }

    /// Replaces the set of peers allowed to connect (the charter's nodes),
    /// with the addresses to dial them at.
    pub async fn set_peers(&self, peers: HashMap<PeerId, Vec<Multiaddr>>) -> Result<()> {
        self.send(Command::SetPeers { peers }).await
    }

    /// Adds an address to dial an allowed peer at.
    pub async fn add_address(&self, peer: PeerId, address: Multiaddr) -> Result<()> {
        self.send(Command::AddAddress { peer, address }).await
    }

    /// Blocks (disconnects and stops dialling) or unblocks a peer.
    pub async fn set_blocked(&self, peer: PeerId, blocked: bool) -> Result<()> {
        self.send(Command::Block { peer, blocked }).await
    }

    pub async fn connected_peers(&self) -> Result<Vec<PeerId>> {
        self.ask(|reply| Command::Connected { reply }).await
    }

    /// Peers known to be subscribed to the gossip topic: those a publish reaches.
    pub async fn gossip_peers(&self) -> Result<Vec<PeerId>> {
        self.ask(|reply| Command::GossipPeers { reply }).await
    }

    pub async fn listen_addresses(&self) -> Result<Vec<Multiaddr>> {
        self.ask(|reply| Command::ListenAddresses { reply }).await
    }
}

struct Redial {
    next: Instant,
    backoff: Duration,
}

/// The task that owns the Swarm.
pub struct EventLoop {
    swarm: Swarm<Behaviour>,
    commands: mpsc::Receiver<Command>,
    events: mpsc::Sender<Event>,
    topic: IdentTopic,
    peers: HashMap<PeerId, Vec<Multiaddr>>,
    blocked: HashSet<PeerId>,
    connected: HashSet<PeerId>,
    redial: HashMap<PeerId, Redial>,
    redial_max: Duration,
    pending_sync: HashMap<OutboundRequestId, oneshot::Sender<Result<SyncResponse>>>,
    pending_handoff: HashMap<OutboundRequestId, oneshot::Sender<Result<HandoffResponse>>>,
    listen_addresses: Vec<Multiaddr>,
    metrics: NetworkCounters,
}

impl std::fmt::Debug for EventLoop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventLoop").finish_non_exhaustive()
    }
}

/// Builds the Swarm and starts listening; returns the handle, the event
/// stream and the loop to spawn.
pub fn new(
    keypair: libp2p::identity::Keypair,
    config: &NetworkConfig,
    metrics: NetworkCounters,
) -> Result<(Client, mpsc::Receiver<Event>, EventLoop)> {
    let net_err = |e: &dyn std::fmt::Display| NetworkError::Other(e.to_string());
    let local_peer_id = keypair.public().to_peer_id();
    let mut swarm = libp2p::SwarmBuilder::with_existing_identity(keypair)
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(|e| net_err(&e))?
        .with_quic()
        .with_behaviour(|key| {
            let gossip_config = gossipsub::ConfigBuilder::default()
                .validation_mode(ValidationMode::Anonymous)
                .validate_messages()
                .message_id_fn(|m| MessageId::from(Sha256::digest(&m.data).to_vec()))
                .max_transmit_size(MAX_GOSSIP_MESSAGE_BYTES + 1024)
                .heartbeat_interval(Duration::from_millis(700))
                .build()?;
            let gossipsub =
                gossipsub::Behaviour::new(MessageAuthenticity::Anonymous, gossip_config)?;
            let sync = request_response::Behaviour::with_codec(
                SyncCodec::default(),
                [(StreamProtocol::new(SYNC_PROTOCOL), ProtocolSupport::Full)],
                request_response::Config::default().with_request_timeout(Duration::from_secs(60)),
            );
            let handoff = request_response::Behaviour::with_codec(
                HandoffCodec::default(),
                [(StreamProtocol::new(HANDOFF_PROTOCOL), ProtocolSupport::Full)],
                request_response::Config::default().with_request_timeout(Duration::from_secs(120)),
            );
            Ok(Behaviour {
                allowed: allow_block_list::Behaviour::default(),
                limits: connection_limits::Behaviour::new(
                    connection_limits::ConnectionLimits::default()
                        .with_max_established(Some(config.max_connections))
                        .with_max_established_per_peer(Some(2))
                        .with_max_pending_incoming(Some(config.max_connections)),
                ),
                gossipsub,
                sync,
                handoff,
                identify: identify::Behaviour::new(identify::Config::new(
                    "/unionfed/id/1".into(),
                    key.public(),
                )),
                ping: ping::Behaviour::default(),
            })
        })
        .map_err(|e| net_err(&e))?
        .with_swarm_config(|c| c.with_idle_connection_timeout(config.idle_timeout))
        .build();
    let topic = IdentTopic::new(GOSSIP_TOPIC);
    swarm
        .behaviour_mut()
        .gossipsub
        .subscribe(&topic)
        .map_err(|e| net_err(&e))?;
    for address in &config.listen {
        swarm
            .listen_on(address.clone())
            .map_err(|e| NetworkError::Other(format!("cannot listen on {address}: {e}")))?;
    }
    let (command_tx, command_rx) = mpsc::channel(COMMAND_QUEUE);
    let (event_tx, event_rx) = mpsc::channel(EVENT_QUEUE);
    Ok((
        Client {
            commands: command_tx,
            local_peer_id,
        },
        event_rx,
        EventLoop {
            swarm,
            commands: command_rx,
            events: event_tx,
            topic,
            peers: HashMap::new(),
            blocked: HashSet::new(),
            connected: HashSet::new(),
            redial: HashMap::new(),
            redial_max: config.redial_max_backoff,
            pending_sync: HashMap::new(),
            pending_handoff: HashMap::new(),
            listen_addresses: Vec::new(),
            metrics,
        },
    ))
}

impl EventLoop {
    /// Runs until `shutdown` is cancelled or every client is gone.
    pub async fn run(mut self, shutdown: CancellationToken) {
        let mut redial_tick = tokio::time::interval(Duration::from_millis(500));
        loop {
            tokio::select! {
                () = shutdown.cancelled() => break,
                event = self.swarm.select_next_some() => self.on_swarm_event(event),
                command = self.commands.recv() => match command {
                    Some(c) => self.on_command(c),
                    None => break,
                },
                _ = redial_tick.tick() => self.redial_due(),
            }
        }
        tracing::debug!("network task stopped");
    }

    fn emit(&self, event: Event) -> bool {
        match self.events.try_send(event) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.metrics.events_dropped.inc();
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }

    fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::NewListenAddr { address, .. } => {
                tracing::info!(%address, "listening");
                self.listen_addresses.push(address);
            }
            SwarmEvent::ConnectionEstablished {
                peer_id,
                num_established,
                ..
            } => {
                if let Some(r) = self.redial.get_mut(&peer_id) {
                    r.backoff = REDIAL_MIN;
                }
                if num_established.get() == 1 {
                    tracing::info!(peer = %peer_id, "peer connected");
                    self.connected.insert(peer_id);
                    self.metrics
                        .peers_connected
                        .set(self.connected.len() as i64);
                    self.emit(Event::Connected(peer_id));
                }
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                num_established: 0,
                ..
            } => {
                tracing::info!(peer = %peer_id, "peer disconnected");
                self.connected.remove(&peer_id);
                self.metrics
                    .peers_connected
                    .set(self.connected.len() as i64);
                self.emit(Event::Disconnected(peer_id));
            }
            SwarmEvent::IncomingConnectionError {
                error,
                send_back_addr,
                ..
            } => {
                tracing::debug!(%send_back_addr, %error, "incoming connection refused");
                self.metrics.connections_refused.inc();
            }
            SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
                tracing::debug!(peer = ?peer_id, %error, "dial failed");
            }
            SwarmEvent::Behaviour(BehaviourEvent::Gossipsub(gossipsub::Event::Message {
                propagation_source,
                message_id,
                message,
            })) => {
                let delivered = self.emit(Event::Gossip {
                    source: propagation_source,
                    id: message_id.clone(),
                    data: message.data,
                });
                if !delivered {
                    // The node is behind; the pull path will fetch it later.
                    let _ = self
                        .swarm
                        .behaviour_mut()
                        .gossipsub
                        .report_message_validation_result(
                            &message_id,
                            &propagation_source,
                            MessageAcceptance::Ignore,
                        );
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Sync(event)) => {
                if let Some((peer, request, channel)) = route(event, &mut self.pending_sync, "sync")
                {
                    self.emit(Event::SyncRequest {
                        peer,
                        request,
                        channel,
                    });
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Handoff(event)) => {
                if let Some((peer, request, channel)) =
                    route(event, &mut self.pending_handoff, "handoff")
                {
                    self.emit(Event::HandoffRequest {
                        peer,
                        request,
                        channel,
                    });
                }
            }
            _ => {}
        }
    }

    fn on_command(&mut self, command: Command) {
        match command {
            Command::Publish { data, reply } => {
                let result = match self
                    .swarm
                    .behaviour_mut()
                    .gossipsub
                    .publish(self.topic.clone(), data)
                {
                    Ok(_) | Err(gossipsub::PublishError::NoPeersSubscribedToTopic) => Ok(()),
                    Err(gossipsub::PublishError::Duplicate) => Ok(()),
                    Err(e) => Err(NetworkError::Other(format!("publish failed: {e}"))),
                };
                let _ = reply.send(result);
            }
            Command::ReportValidation {
                id,
                source,
                acceptance,
            } => {
                let _ = self
                    .swarm
                    .behaviour_mut()
                    .gossipsub
                    .report_message_validation_result(&id, &source, acceptance);
            }
            Command::Sync {
                peer,
                request,
                reply,
            } => {
                let id = self.swarm.behaviour_mut().sync.send_request(&peer, request);
                self.pending_sync.insert(id, reply);
            }
            Command::RespondSync { channel, response } => {
                let _ = self
                    .swarm
                    .behaviour_mut()
                    .sync
                    .send_response(channel, response);
            }
            Command::Handoff {
                peer,
                request,
                reply,
            } => {
                let id = self
                    .swarm
                    .behaviour_mut()
                    .handoff
                    .send_request(&peer, request);
                self.pending_handoff.insert(id, reply);
            }
            Command::RespondHandoff { channel, response } => {
                let _ = self
                    .swarm
                    .behaviour_mut()
                    .handoff
                    .send_response(channel, response);
            }
            Command::SetPeers { peers } => self.set_peers(peers),
            Command::AddAddress { peer, address } => {
                self.peers.entry(peer).or_default().push(address);
                self.redial
                    .entry(peer)
                    .or_insert(Redial {
                        next: Instant::now(),
                        backoff: REDIAL_MIN,
                    })
                    .next = Instant::now();
            }
            Command::Block { peer, blocked } => {
                if blocked {
                    self.blocked.insert(peer);
                    self.swarm.behaviour_mut().allowed.disallow_peer(peer);
                } else {
                    self.blocked.remove(&peer);
                    if self.peers.contains_key(&peer) {
                        self.swarm.behaviour_mut().allowed.allow_peer(peer);
                    }
                    if let Some(r) = self.redial.get_mut(&peer) {
                        r.next = Instant::now();
                        r.backoff = REDIAL_MIN;
                    }
                }
            }
            Command::Connected { reply } => {
                let _ = reply.send(self.connected.iter().copied().collect());
            }
            Command::GossipPeers { reply } => {
                let topic = self.topic.hash();
                let peers = self
                    .swarm
                    .behaviour()
                    .gossipsub
                    .all_peers()
                    .filter(|(_, topics)| topics.contains(&&topic))
                    .map(|(p, _)| *p)
                    .collect();
                let _ = reply.send(peers);
            }
            Command::ListenAddresses { reply } => {
                let _ = reply.send(self.listen_addresses.clone());
            }
        }
    }

    fn set_peers(&mut self, peers: HashMap<PeerId, Vec<Multiaddr>>) {
        let me = *self.swarm.local_peer_id();
        let old: Vec<PeerId> = self.peers.keys().copied().collect();
        for peer in old {
            if !peers.contains_key(&peer) {
                self.swarm.behaviour_mut().allowed.disallow_peer(peer);
                self.redial.remove(&peer);
            }
        }
        for (peer, addresses) in &peers {
            if *peer == me {
                continue;
            }
            if !self.blocked.contains(peer) {
                self.swarm.behaviour_mut().allowed.allow_peer(*peer);
            }
            let known = self.peers.entry(*peer).or_default();
            for a in addresses {
                if !known.contains(a) {
                    known.push(a.clone());
                }
            }
            self.redial.entry(*peer).or_insert(Redial {
                next: Instant::now(),
                backoff: REDIAL_MIN,
            });
        }
        self.peers.retain(|p, _| peers.contains_key(p) && *p != me);
    }

    fn redial_due(&mut self) {
        let now = Instant::now();
        let due: Vec<PeerId> = self
            .redial
            .iter()
            .filter(|(p, r)| {
                r.next <= now && !self.connected.contains(p) && !self.blocked.contains(p)
            })
            .map(|(p, _)| *p)
            .collect();
        for peer in due {
            let addresses = self.peers.get(&peer).cloned().unwrap_or_default();
            if addresses.is_empty() {
                continue;
            }
            let opts = DialOpts::peer_id(peer).addresses(addresses).build();
            if let Err(e) = self.swarm.dial(opts) {
                tracing::debug!(%peer, %e, "dial not started");
            }
            if let Some(r) = self.redial.get_mut(&peer) {
                // Jitter spreads redials of many nodes that went down together.
                let jitter = Duration::from_millis(rand::random::<u64>() % 500);
                r.next = now + r.backoff + jitter;
                r.backoff = (r.backoff * 2).min(self.redial_max);
            }
        }
    }
}

/// Answers an outbound request's waiter, or hands back an inbound request.
fn route<Req, Resp>(
    event: request_response::Event<Req, Resp>,
    pending: &mut HashMap<OutboundRequestId, oneshot::Sender<Result<Resp>>>,
    what: &str,
) -> Option<(PeerId, Req, ResponseChannel<Resp>)> {
    use request_response::{Event as E, Message};
    match event {
        E::Message {
            peer,
            message: Message::Request {
                request, channel, ..
            },
            ..
        } => Some((peer, request, channel)),
        E::Message {
            message:
                Message::Response {
                    request_id,
                    response,
                },
            ..
        } => {
            if let Some(reply) = pending.remove(&request_id) {
                let _ = reply.send(Ok(response));
            }
            None
        }
        E::OutboundFailure {
            request_id,
            error,
            peer,
            ..
        } => {
            if let Some(reply) = pending.remove(&request_id) {
                let _ = reply.send(Err(NetworkError::Other(format!(
                    "{what} request to {peer} failed: {error}"
                ))));
            }
            None
        }
        E::InboundFailure { peer, error, .. } => {
            tracing::debug!(%peer, %error, "inbound {what} request failed");
            None
        }
        E::ResponseSent { .. } => None,
    }
}
