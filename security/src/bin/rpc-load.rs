//! `rpc-load URL CLIENTS TRANSFERS_PER_CLIENT`: a bounded load on a devnode JSON-RPC server from
//! a process of its own, as a wallet backend or a bot would put on it.
//!
//! Client `i` (0-based; at most the ten mnemonic dev accounts) signs as dev account `i` of the
//! standard test mnemonic and runs concurrently with the others, over its own HTTP connection
//! (alloy's provider). It sends `TRANSFERS_PER_CLIENT` signed EIP-1559 value transfers with
//! nonces following its account's, transfer `j` paying `(i + 1) · 10^6 + j` wei to the client's
//! own recipient (an address no one else pays), and after each it reads its own writes: the
//! recipient's balance must have grown by exactly that value and its account's nonce by one
//! (the server, automining, mines a transaction before it answers). Every tenth transfer it also
//! reads the block number. A client stops at its first error, recording it: its later nonces
//! would not follow.
//!
//! Prints one JSON object: `clients`, `transfers_per_client`, `requests` (every JSON-RPC request
//! sent, reads included), `reads`, `transfers` (per client: `client`, `from`, `to`, `hashes`,
//! `values_wei`), `errors` (strings) and `seconds` (wall time of the load, for the report).

use std::process::ExitCode;
use std::time::Instant;

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_network::eip2718::Encodable2718;
use alloy_network::TxSignerSync;
use alloy_primitives::{keccak256, Address, TxKind, B256, U256};
use alloy_provider::{Provider, ProviderBuilder, RootProvider};
use serde_json::{json, Value};
use stylus_devnode::rpc::accounts::{dev_accounts, DERIVED_ACCOUNTS};
use stylus_devnode::rpc::BASE_FEE_WEI;

/// Gas of a plain value transfer.
const TRANSFER_GAS: u64 = 21_000;

/// What one client did.
struct ClientReport {
    client: usize,
    from: Address,
    to: Address,
    hashes: Vec<B256>,
    values_wei: Vec<U256>,
    reads: u64,
    error: Option<String>,
}

/// The address client `client` pays: `keccak256("rpc-load recipient <client>")`'s last 20
/// bytes, an account no dev account or contract holds.
fn recipient(client: usize) -> Address {
    Address::from_word(keccak256(format!("rpc-load recipient {client}")))
}

/// The value of client `client`'s transfer `transfer`, distinct across clients and transfers so
/// that a lost, doubled or swapped transfer shows in the balances.
fn value_wei(client: usize, transfer: u64) -> U256 {
    U256::from((client as u64 + 1) * 1_000_000 + transfer)
}

/// Client `client`: `transfers` signed transfers and the reads after each (see the crate docs).
async fn run_client(url: String, client: usize, transfers: u64) -> ClientReport {
    let account = &dev_accounts()[client];
    let mut report = ClientReport {
        client,
        from: account.address,
        to: recipient(client),
        hashes: Vec::new(),
        values_wei: Vec::new(),
        reads: 0,
        error: None,
    };
    if let Err(error) = transfer_and_read(&url, &mut report, transfers).await {
        report.error = Some(format!("client {client}: {error}"));
    }
    report
}

/// The body of [`run_client`]: the first failure ends it.
async fn transfer_and_read(
    url: &str,
    report: &mut ClientReport,
    transfers: u64,
) -> Result<(), String> {
    let provider: RootProvider = ProviderBuilder::default()
        .connect(url)
        .await
        .map_err(|e| format!("connecting: {e}"))?;
    let signer = &dev_accounts()[report.client].signer;
    let chain_id = provider
        .get_chain_id()
        .await
        .map_err(|e| format!("eth_chainId: {e}"))?;
    let first_nonce = provider
        .get_transaction_count(report.from)
        .await
        .map_err(|e| format!("eth_getTransactionCount: {e}"))?;
    let mut received_wei = provider
        .get_balance(report.to)
        .await
        .map_err(|e| format!("eth_getBalance: {e}"))?;
    report.reads += 3;
    for transfer in 0..transfers {
        let value = value_wei(report.client, transfer);
        let mut tx = TxEip1559 {
            chain_id,
            nonce: first_nonce + transfer,
            gas_limit: TRANSFER_GAS,
            max_fee_per_gas: 2 * u128::from(BASE_FEE_WEI),
            max_priority_fee_per_gas: 0,
            to: TxKind::Call(report.to),
            value,
            access_list: Default::default(),
            input: Default::default(),
        };
        let signature = signer
            .sign_transaction_sync(&mut tx)
            .map_err(|e| format!("signing transfer {transfer}: {e}"))?;
        let raw = TxEnvelope::from(tx.into_signed(signature)).encoded_2718();
        let pending = provider
            .send_raw_transaction(&raw)
            .await
            .map_err(|e| format!("transfer {transfer}: {e}"))?;
        report.hashes.push(*pending.tx_hash());
        report.values_wei.push(value);
        received_wei += value;

        let balance = provider
            .get_balance(report.to)
            .await
            .map_err(|e| format!("eth_getBalance after transfer {transfer}: {e}"))?;
        let nonce = provider
            .get_transaction_count(report.from)
            .await
            .map_err(|e| format!("eth_getTransactionCount after transfer {transfer}: {e}"))?;
        report.reads += 2;
        if balance != received_wei {
            return Err(format!(
                "after transfer {transfer} the recipient holds {balance} wei, not {received_wei}"
            ));
        }
        if nonce != first_nonce + transfer + 1 {
            return Err(format!(
                "after transfer {transfer} the sender's nonce is {nonce}, not {}",
                first_nonce + transfer + 1
            ));
        }
        if transfer % 10 == 0 {
            provider
                .get_block_number()
                .await
                .map_err(|e| format!("eth_blockNumber after transfer {transfer}: {e}"))?;
            report.reads += 1;
        }
    }
    Ok(())
}

/// `URL CLIENTS TRANSFERS_PER_CLIENT` from the command line.
fn arguments() -> Result<(String, usize, u64), String> {
    let usage = "usage: rpc-load URL CLIENTS TRANSFERS_PER_CLIENT";
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, clients, transfers] = args.as_slice() else {
        return Err(usage.into());
    };
    let clients: usize = clients.parse().map_err(|_| usage.to_string())?;
    let transfers: u64 = transfers.parse().map_err(|_| usage.to_string())?;
    if clients == 0 || clients > DERIVED_ACCOUNTS as usize {
        return Err(format!(
            "CLIENTS must be 1 to {DERIVED_ACCOUNTS} (one mnemonic dev account each)"
        ));
    }
    Ok((url.clone(), clients, transfers))
}

fn main() -> ExitCode {
    let (url, clients, transfers) = match arguments() {
        Ok(arguments) => arguments,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("a tokio runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    let reports: Vec<ClientReport> = runtime.block_on(async {
        let tasks: Vec<_> = (0..clients)
            .map(|client| tokio::spawn(run_client(url.clone(), client, transfers)))
            .collect();
        let mut reports = Vec::with_capacity(clients);
        for task in tasks {
            match task.await {
                Ok(report) => reports.push(report),
                Err(error) => panic!("a client task panicked: {error}"),
            }
        }
        reports
    });
    let seconds = started.elapsed().as_secs_f64();
    let reads: u64 = reports.iter().map(|r| r.reads).sum();
    let sent = reports.iter().map(|r| r.hashes.len() as u64).sum::<u64>();
    let summary = json!({
        "clients": clients,
        "transfers_per_client": transfers,
        "requests": reads + sent,
        "reads": reads,
        "transfers": reports
            .iter()
            .map(|r| json!({
                "client": r.client,
                "from": r.from,
                "to": r.to,
                "hashes": r.hashes,
                "values_wei": r.values_wei,
            }))
            .collect::<Vec<Value>>(),
        "errors": reports.iter().filter_map(|r| r.error.clone()).collect::<Vec<String>>(),
        "seconds": seconds,
    });
    println!("{summary}");
    ExitCode::SUCCESS
}
