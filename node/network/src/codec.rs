//! A request-response codec for our wire messages: one postcard value per
//! stream, read up to the type's size limit and refused beyond it.

use async_trait::async_trait;
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::StreamProtocol;
use std::io;
use std::marker::PhantomData;
use unionfed_protocol::wire::WireMessage;

pub(crate) struct WireCodec<Req, Resp>(PhantomData<fn() -> (Req, Resp)>);

impl<Req, Resp> Default for WireCodec<Req, Resp> {
    fn default() -> Self {
        WireCodec(PhantomData)
    }
}

impl<Req, Resp> Clone for WireCodec<Req, Resp> {
    fn clone(&self) -> Self {
        WireCodec(PhantomData)
    }
}

async fn read_message<T: WireMessage, R: AsyncRead + Unpin + Send>(io: &mut R) -> io::Result<T> {
    let mut bytes = Vec::new();
    io.take(T::MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .await?;
    T::decode(&bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))
}

async fn write_message<T: WireMessage, W: AsyncWrite + Unpin + Send>(
    io: &mut W,
    message: &T,
) -> io::Result<()> {
    let bytes = message
        .encode()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
    io.write_all(&bytes).await?;
    io.close().await
}

#[async_trait]
impl<Req, Resp> libp2p::request_response::Codec for WireCodec<Req, Resp>
where
    Req: WireMessage + Send + Sync + 'static,
    Resp: WireMessage + Send + Sync + 'static,
{
    type Protocol = StreamProtocol;
    type Request = Req;
    type Response = Resp;

    async fn read_request<T: AsyncRead + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<Req> {
        read_message(io).await
    }

    async fn read_response<T: AsyncRead + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<Resp> {
        read_message(io).await
    }

    async fn write_request<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        req: Req,
    ) -> io::Result<()> {
        write_message(io, &req).await
    }

    async fn write_response<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        res: Resp,
    ) -> io::Result<()> {
        write_message(io, &res).await
    }
}
