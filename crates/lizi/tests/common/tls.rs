//! A private CA and a TLS listener on loopback, for the https tests.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, SanType};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// A CA made for one test, and a server certificate it signed for 127.0.0.1 and localhost.
pub struct TestCa {
    /// The CA certificate, PEM.
    pub ca_pem: String,
    server_chain: Vec<CertificateDer<'static>>,
    server_key: Vec<u8>,
}

impl TestCa {
    /// A new CA and server certificate.
    pub fn new() -> TestCa {
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "lizi test CA");
        let ca = ca_params.self_signed(&ca_key).expect("CA certificate");
        let server_key = KeyPair::generate().expect("server key");
        let mut params = CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
        params
            .subject_alt_names
            .push(SanType::IpAddress([127, 0, 0, 1].into()));
        let server = params
            .signed_by(&server_key, &ca, &ca_key)
            .expect("server certificate");
        TestCa {
            ca_pem: ca.pem(),
            server_chain: vec![server.der().clone()],
            server_key: server_key.serialize_der(),
        }
    }

    /// Writes the CA certificate into `dir`; returns the file's path.
    pub fn write_ca(&self, dir: &Path) -> PathBuf {
        let path = dir.join("ca.pem");
        std::fs::write(&path, &self.ca_pem).expect("write CA file");
        path
    }

    /// A TLS listener on a free loopback port, presenting the server certificate.
    pub async fn listener(&self) -> TlsListener {
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.server_key.clone()));
        let config = ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(self.server_chain.clone(), key)
            .expect("TLS server config");
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let tcp = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = tcp.local_addr().expect("addr");
        let failed_handshakes = Arc::new(AtomicUsize::new(0));
        let failed = failed_handshakes.clone();
        let (ready, streams) = mpsc::channel(16);
        // Each handshake runs on its own, so a stalled client holds up no other.
        let task = tokio::spawn(async move {
            while let Ok((tcp, peer)) = tcp.accept().await {
                let (acceptor, failed, ready) = (acceptor.clone(), failed.clone(), ready.clone());
                tokio::spawn(async move {
                    match acceptor.accept(tcp).await {
                        Ok(tls) => drop(ready.send((tls, peer)).await),
                        Err(_) => drop(failed.fetch_add(1, Ordering::SeqCst)),
                    }
                });
            }
        });
        TlsListener {
            addr,
            streams,
            failed_handshakes,
            task,
        }
    }
}

/// Accepts TCP connections and completes a TLS handshake on each (an axum listener).
pub struct TlsListener {
    addr: SocketAddr,
    streams: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    /// Handshakes that failed (e.g. the client did not trust the certificate).
    pub failed_handshakes: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.streams.recv().await {
            Some(accepted) => accepted,
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        Ok(self.addr)
    }
}
