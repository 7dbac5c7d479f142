//! The devnode's JSON-RPC server (`stylus_devnode::rpc`) under hostile and heavy use over HTTP on
//! 127.0.0.1: malformed requests, huge batches, and concurrent clients in a second process.
//!
//! The rule: every request gets an answer — a JSON-RPC error object for a bad one (an HTTP error
//! where the body cannot be taken at all), every result in order for a batch — the server keeps
//! answering afterwards, a bad request commits nothing, and no transaction the server accepted is
//! lost or applied twice.
//!
//! Not repeated here: what `crates/stylus-devnode/tests/rpc.rs` covers (a three-request batch,
//! `{not json`, the empty batch, an unknown method, a dozen bad parameters, the raw
//! transactions `0xdeadbeef`, `0x` and `not hex`, and signed ones rejected for their chain id,
//! nonce, fee, funds or gas).
//!
//! Malformed bodies go through a small std `TcpStream` writer ([`http`]), not reqwest or alloy:
//! they are requests no client library sends (bytes that are not JSON, the wrong content type,
//! a body past the size limit), and the test reads the exact status line of the answer.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use alloy_consensus::{SignableTransaction, Transaction as _, TxEip1559, TxEnvelope};
use alloy_network::eip2718::{Decodable2718, Encodable2718};
use alloy_network::{TransactionResponse, TxSignerSync};
use alloy_primitives::{hex, keccak256, Address, Bytes, TxKind, B256, U256};
use alloy_provider::{Provider, ProviderBuilder, RootProvider};
use alloy_rpc_types_eth::BlockNumberOrTag;
use protocol_security::cases;
use serde_json::{json, Value};
use stylus_devnode::rpc::accounts::dev_accounts;
use stylus_devnode::rpc::{
    self, default_dev_balance_wei, RunningServer, ServerConfig, BASE_FEE_WEI, CHAIN_ID,
};

/// The largest request body the server takes (`rpc::start` sets jsonrpsee's
/// `max_request_body_size` to 64 MiB); one byte more is refused with HTTP 413.
const MAX_REQUEST_BODY_BYTES: usize = 64 * 1024 * 1024;

/// A fresh server on a free port of 127.0.0.1, automining (a block per transaction).
fn start() -> RunningServer {
    rpc::start(ServerConfig {
        port: 0,
        ..ServerConfig::default()
    })
    .expect("the server starts")
}

/// An HTTP answer: the status code and the body.
struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    /// The body as JSON.
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("a JSON answer ({e}): {}", self.body))
    }
}

/// Sends one HTTP/1.1 request (`method`, `Content-Type: content_type`, `body`) on a connection of
/// its own and returns the answer. The body is written from a second thread while the answer is
/// read, so that a server answering before it has read the whole body (an oversized one) is
/// heard; write errors after such an answer are expected and ignored. The read timeout turns a
/// server that stops answering into a failure instead of a hang.
fn http(server: &RunningServer, method: &str, content_type: &str, body: &[u8]) -> Answer {
    let addr = server.local_addr();
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .expect("a read timeout");
    let head = format!(
        "{method} / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let mut writer = stream.try_clone().expect("a second handle");
    let mut response = Vec::new();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let _ = writer
                .write_all(head.as_bytes())
                .and_then(|()| writer.write_all(body));
        });
        // A server answering early may reset the connection under the rest of the body; the
        // answer came first and is in `response`, which the checks below look at.
        let _ = stream.read_to_end(&mut response);
    });
    let response = String::from_utf8(response).expect("a UTF-8 answer");
    let (head, body) = response.split_once("\r\n\r\n").expect("an HTTP answer");
    assert!(
        !head.to_ascii_lowercase().contains("transfer-encoding"),
        "the server frames answers with Content-Length: {head}"
    );
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("a status line: {head}"));
    Answer {
        status,
        body: body.to_string(),
    }
}

/// POSTs `body` as JSON.
fn post(server: &RunningServer, body: &[u8]) -> Answer {
    http(server, "POST", "application/json", body)
}

/// The JSON-RPC request `{"jsonrpc":"2.0","id":id,"method":method,"params":params}`.
fn request(id: u64, method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

/// Asserts the server still answers `eth_blockNumber` with `blocks`: it serves, and nothing
/// sent since the last check was mined.
fn still_serving(server: &RunningServer, blocks: u64, after: &str) {
    let answer = post(
        server,
        request(1, "eth_blockNumber", json!([]))
            .to_string()
            .as_bytes(),
    );
    assert_eq!(answer.status, 200, "after {after}: {}", answer.body);
    assert_eq!(
        answer.json()["result"],
        json!(format!("{blocks:#x}")),
        "after {after}"
    );
}

/// Dev account `key`'s signed EIP-1559 transfer of `value_wei` to `to` with `nonce`: its raw
/// bytes and its hash.
fn transfer(key: usize, nonce: u64, to: Address, value_wei: U256) -> (Bytes, B256) {
    let mut tx = TxEip1559 {
        chain_id: CHAIN_ID,
        nonce,
        gas_limit: 21_000,
        max_fee_per_gas: 2 * u128::from(BASE_FEE_WEI),
        max_priority_fee_per_gas: 0,
        to: TxKind::Call(to),
        value: value_wei,
        access_list: Default::default(),
        input: Default::default(),
    };
    let signature = dev_accounts()[key]
        .signer
        .sign_transaction_sync(&mut tx)
        .expect("signs");
    let raw = TxEnvelope::from(tx.into_signed(signature)).encoded_2718();
    let hash = keccak256(&raw);
    (raw.into(), hash)
}

/// A request body that cannot be read as JSON-RPC, and what the server must answer.
struct Malformed {
    what: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
    status: u16,
    /// The JSON-RPC error code of the answer (`None`: an HTTP error with a text body).
    code: Option<i64>,
}

impl Malformed {
    /// A JSON body answered with HTTP 200 and error `code`.
    fn rpc(what: &'static str, body: impl Into<Vec<u8>>, code: i64) -> Self {
        Self {
            what,
            content_type: "application/json",
            body: body.into(),
            status: 200,
            code: Some(code),
        }
    }
}

/// JSON-RPC 2.0's error codes, as jsonrpsee answers them.
const PARSE_ERROR: i64 = -32_700;
const INVALID_REQUEST: i64 = -32_600;
const METHOD_NOT_FOUND: i64 = -32_601;
const INVALID_PARAMS: i64 = -32_602;
/// The devnode's code for a request it understood and refuses (a transaction it will not take).
const SERVER_ERROR: i64 = -32_000;
/// jsonrpsee's code for a body over the size limit.
const OVERSIZED_REQUEST: i64 = -32_007;

#[test]
fn malformed_requests_get_errors_and_the_server_keeps_answering() {
    let server = start();
    let account = dev_accounts()[0].address;
    let to = Address::with_last_byte(0xbe);
    let (raw, _) = transfer(1, 0, to, U256::from(1));
    // The same transfer signed, then its signature malleated (s → n − s, parity flipped):
    // EIP-2 makes it invalid although it recovers the same sender.
    let high_s = {
        let mut bytes: &[u8] = &raw;
        let envelope = TxEnvelope::decode_2718(&mut bytes).expect("decodes");
        let TxEnvelope::Eip1559(signed) = envelope else {
            unreachable!("an EIP-1559 transfer")
        };
        let order = U256::from_be_bytes(hex!(
            "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"
        ));
        let signature = signed.signature();
        let twin =
            alloy_primitives::Signature::new(signature.r(), order - signature.s(), !signature.v());
        TxEnvelope::from(signed.strip_signature().into_signed(twin)).encoded_2718()
    };
    let raw_hex = |bytes: &[u8]| json!([Bytes::copy_from_slice(bytes)]);
    let send_raw = |bytes: &[u8]| request(1, "eth_sendRawTransaction", raw_hex(bytes)).to_string();
    let huge_hex = |digits: usize| format!("0x{}", "7".repeat(digits));
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));

    let cases = [
        Malformed {
            what: "a body that is not JSON",
            content_type: "application/json",
            body: b"hello".to_vec(),
            status: 400,
            code: Some(PARSE_ERROR),
        },
        Malformed {
            what: "an empty body",
            content_type: "application/json",
            body: Vec::new(),
            status: 400,
            code: Some(PARSE_ERROR),
        },
        Malformed::rpc(
            "bytes that are not UTF-8",
            b"{\xff\xfe\xfd}".to_vec(),
            PARSE_ERROR,
        ),
        Malformed::rpc(
            "a truncated request",
            r#"{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","par"#,
            PARSE_ERROR,
        ),
        Malformed::rpc(
            "a truncated batch",
            r#"[{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]},{"jsonrpc""#,
            PARSE_ERROR,
        ),
        Malformed::rpc(
            "JSON-RPC version 1.0",
            r#"{"jsonrpc":"1.0","id":1,"method":"eth_blockNumber","params":[]}"#,
            INVALID_REQUEST,
        ),
        Malformed::rpc(
            "no JSON-RPC version",
            r#"{"id":1,"method":"eth_blockNumber","params":[]}"#,
            INVALID_REQUEST,
        ),
        Malformed::rpc(
            "a number as method",
            r#"{"jsonrpc":"2.0","id":1,"method":7,"params":[]}"#,
            INVALID_REQUEST,
        ),
        Malformed::rpc(
            "a method name of a mebibyte",
            request(1, &"m".repeat(1 << 20), json!([])).to_string(),
            METHOD_NOT_FOUND,
        ),
        Malformed::rpc(
            "a number for an address",
            request(1, "eth_getBalance", json!([123, "latest"])).to_string(),
            INVALID_PARAMS,
        ),
        Malformed::rpc(
            "a boolean for a hash",
            request(1, "eth_getTransactionReceipt", json!([true])).to_string(),
            INVALID_PARAMS,
        ),
        Malformed::rpc(
            "a string for the full-transactions flag",
            request(1, "eth_getBlockByNumber", json!(["latest", "yes"])).to_string(),
            INVALID_PARAMS,
        ),
        Malformed::rpc(
            "named parameters where positional ones are read",
            request(1, "eth_getBalance", json!({"address": account})).to_string(),
            INVALID_PARAMS,
        ),
        Malformed::rpc(
            "a storage slot of 260 bits",
            request(
                1,
                "eth_getStorageAt",
                json!([account, huge_hex(65), "latest"]),
            )
            .to_string(),
            INVALID_PARAMS,
        ),
        Malformed::rpc(
            "a missing storage slot",
            request(1, "eth_getStorageAt", json!([account])).to_string(),
            INVALID_PARAMS,
        ),
        Malformed::rpc(
            "no raw transaction",
            request(1, "eth_sendRawTransaction", json!([])).to_string(),
            INVALID_PARAMS,
        ),
        Malformed::rpc(
            "no call",
            request(1, "eth_call", json!([])).to_string(),
            INVALID_PARAMS,
        ),
        Malformed::rpc(
            "an address of two million hex digits",
            request(1, "eth_getBalance", json!([huge_hex(2 << 20), "latest"])).to_string(),
            INVALID_PARAMS,
        ),
        Malformed::rpc(
            "calldata of eight million hex digits, odd in number",
            request(
                1,
                "eth_call",
                json!([{"to": to, "data": huge_hex((8 << 20) + 1)}]),
            )
            .to_string(),
            INVALID_PARAMS,
        ),
        Malformed::rpc(
            "a raw transaction of sixteen million hex digits",
            request(1, "eth_sendRawTransaction", json!([huge_hex(16 << 20)])).to_string(),
            INVALID_PARAMS,
        ),
        Malformed::rpc(
            "a signed transaction cut short by a byte",
            send_raw(&raw[..raw.len() - 1]),
            INVALID_PARAMS,
        ),
        Malformed::rpc(
            "a signed transaction with a byte more",
            send_raw(&[&raw[..], &[0]].concat()),
            INVALID_PARAMS,
        ),
        Malformed::rpc(
            "an unknown transaction type",
            send_raw(&[&[0x7f_u8][..], &raw[1..]].concat()),
            INVALID_PARAMS,
        ),
        Malformed::rpc(
            "a high-s (malleated) signature",
            send_raw(&high_s),
            SERVER_ERROR,
        ),
        Malformed::rpc(
            "parameters nested 100,000 arrays deep",
            format!(
                r#"{{"jsonrpc":"2.0","id":1,"method":"eth_call","params":{}}}"#,
                nested(100_000)
            ),
            INVALID_PARAMS,
        ),
        Malformed::rpc(
            "a batch nested 100,000 arrays deep",
            nested(100_000),
            INVALID_REQUEST,
        ),
        Malformed {
            what: "the wrong content type",
            content_type: "text/plain",
            body: request(1, "eth_blockNumber", json!([]))
                .to_string()
                .into_bytes(),
            status: 415,
            code: None,
        },
        Malformed {
            what: "a body one byte over the limit",
            content_type: "application/json",
            body: padded(MAX_REQUEST_BODY_BYTES + 1),
            status: 413,
            code: Some(OVERSIZED_REQUEST),
        },
    ];
    for case in &cases {
        let answer = http(&server, "POST", case.content_type, &case.body);
        assert_eq!(answer.status, case.status, "{}: {}", case.what, answer.body);
        if let Some(code) = case.code {
            // A batch is answered with an array: the entry's error is its first element.
            let json = answer.json();
            let error = json.get(0).unwrap_or(&json);
            assert_eq!(
                error["error"]["code"],
                json!(code),
                "{}: {}",
                case.what,
                answer.body
            );
        }
        still_serving(&server, 0, case.what);
    }

    // A request without id is a notification: acknowledged without a response and not run, so
    // the signed transfer in it is not mined. jsonrpsee takes a request whose id is neither a
    // number, a string nor null (an object here) for one too: not run either.
    for id in [None, Some(json!({"n": 1}))] {
        let mut notification =
            json!({"jsonrpc": "2.0", "method": "eth_sendRawTransaction", "params": [raw]});
        if let Some(id) = id {
            notification["id"] = id;
        }
        let answer = post(&server, notification.to_string().as_bytes());
        // jsonrpsee's HTTP server acknowledges with `null` (or an empty body): no response object.
        assert!(
            answer.status == 200 && matches!(answer.body.trim(), "" | "null"),
            "{notification}: {} {}",
            answer.status,
            answer.body
        );
        still_serving(&server, 0, "a notification");
    }
    // Other HTTP methods than POST are refused.
    assert_eq!(http(&server, "GET", "application/json", b"").status, 405);
    still_serving(&server, 0, "a GET");
    // A body of exactly the limit is taken.
    let answer = post(&server, &padded(MAX_REQUEST_BODY_BYTES));
    assert_eq!(answer.json()["result"], json!("0x0"), "a body at the limit");
    // And the transfer all those variants were made of is valid: it is mined.
    let sent = post(&server, send_raw(&raw).as_bytes()).json();
    assert!(sent["result"].is_string(), "{sent}");
    still_serving(&server, 1, "the valid transfer");
    server.stop().expect("stops");
}

/// An `eth_blockNumber` request padded with trailing spaces to `bytes` bytes (JSON allows
/// whitespace after the value).
fn padded(bytes: usize) -> Vec<u8> {
    let mut body = request(1, "eth_blockNumber", json!([]))
        .to_string()
        .into_bytes();
    body.resize(bytes, b' ');
    body
}

#[test]
fn a_huge_batch_is_answered_completely_and_in_order() {
    let server = start();
    let entries = cases(1_000, 10_000);
    // Every tenth entry is a transfer from dev account 9 to a fresh address; the entries after
    // it read its effects, so each answer shows the batch ran in order.
    let sender = dev_accounts()[9].address;
    let recipient = Address::with_last_byte(0x99);
    let mut hashes = Vec::new();
    let mut batch = Vec::new();
    for id in 0..entries {
        let sent = id / 10;
        let entry = match id % 10 {
            0 => {
                let (raw, hash) = transfer(9, sent, recipient, U256::from(sent + 1));
                hashes.push(hash);
                request(id, "eth_sendRawTransaction", json!([raw]))
            }
            1 => request(id, "eth_blockNumber", json!([])),
            2 => request(id, "eth_chainId", json!([])),
            3 => request(id, "eth_getBalance", json!([recipient, "latest"])),
            4 => request(id, "eth_getTransactionCount", json!([sender, "latest"])),
            5 => request(id, "eth_noSuchMethod", json!([])),
            6 => request(id, "eth_getBalance", json!([])),
            7 => json!({"jsonrpc": "2.0", "id": id}),
            8 => request(id, "eth_gasPrice", json!([])),
            _ => request(
                id,
                "eth_getTransactionReceipt",
                json!([hashes[sent as usize]]),
            ),
        };
        batch.push(entry);
    }
    let answer = post(&server, Value::Array(batch).to_string().as_bytes());
    assert_eq!(answer.status, 200);
    let answers = answer.json();
    let answers = answers.as_array().expect("a batch answer");
    assert_eq!(answers.len() as u64, entries, "an answer per request");
    let hex = |n: u64| json!(format!("{n:#x}"));
    for (id, answer) in (0..entries).zip(answers) {
        assert_eq!(answer["id"], json!(id), "answers in request order");
        // Transfers 0..=sent are mined (a block each): `paid` wei so far.
        let sent = id / 10;
        let paid: u64 = (1..=sent + 1).sum();
        let expected = match id % 10 {
            0 => json!({"result": hashes[sent as usize]}),
            1 => json!({"result": hex(sent + 1)}),
            2 => json!({"result": hex(CHAIN_ID)}),
            3 => json!({"result": hex(paid)}),
            4 => json!({"result": hex(sent + 1)}),
            5 => json!({"code": METHOD_NOT_FOUND}),
            6 => json!({"code": INVALID_PARAMS}),
            7 => json!({"code": INVALID_REQUEST}),
            8 => json!({"result": hex(BASE_FEE_WEI)}),
            _ => json!({"status": "0x1", "blockNumber": hex(sent + 1)}),
        };
        let got = match id % 10 {
            5..=7 => json!({"code": answer["error"]["code"]}),
            9 => json!({
                "status": answer["result"]["status"],
                "blockNumber": answer["result"]["blockNumber"],
            }),
            _ => json!({"result": answer["result"]}),
        };
        assert_eq!(got, expected, "entry {id}: {answer}");
    }
    still_serving(&server, entries / 10, "the batch");
    server.stop().expect("stops");
}

/// What `rpc-load` reported for one client.
struct LoadedClient {
    from: Address,
    to: Address,
    hashes: Vec<B256>,
    values_wei: Vec<U256>,
}

/// Parses `rpc-load`'s summary: its clients' transfers and its errors.
fn parse_summary(summary: &Value) -> (Vec<LoadedClient>, Vec<String>) {
    let field = |value: &Value, name: &str| -> Value { value[name].clone() };
    let clients = summary["transfers"]
        .as_array()
        .expect("transfers")
        .iter()
        .map(|client| LoadedClient {
            from: serde_json::from_value(field(client, "from")).expect("from"),
            to: serde_json::from_value(field(client, "to")).expect("to"),
            hashes: serde_json::from_value(field(client, "hashes")).expect("hashes"),
            values_wei: serde_json::from_value(field(client, "values_wei")).expect("values"),
        })
        .collect();
    let errors = serde_json::from_value(field(summary, "errors")).expect("errors");
    (clients, errors)
}

#[test]
fn concurrent_clients_in_another_process_lose_no_transaction() {
    let server = start();
    let (clients, transfers) = (cases(4, 8), cases(50, 1_000));
    let output = Command::new(env!("CARGO_BIN_EXE_rpc-load"))
        .args([server.url(), clients.to_string(), transfers.to_string()])
        .output()
        .expect("rpc-load runs");
    assert!(
        output.status.success(),
        "rpc-load: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary: Value = serde_json::from_slice(&output.stdout).expect("a JSON summary");
    let (loaded, errors) = parse_summary(&summary);
    assert_eq!(errors, Vec::<String>::new(), "no client saw an error");
    assert_eq!(loaded.len() as u64, clients);
    // Written to the stream itself: libtest captures `eprintln!` of passing tests.
    let _ = writeln!(
        std::io::stderr(),
        "rpc-load: {clients} clients × {transfers} transfers: {} requests ({} reads) in {:.2} s",
        summary["requests"],
        summary["reads"],
        summary["seconds"].as_f64().unwrap_or_default()
    );

    // Every reported transfer is in a block with a successful receipt, as sent; the blocks hold
    // nothing else; each sender's nonce counts its transfers and every balance adds up.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a client runtime");
    let url = server.url();
    runtime.block_on(async {
        let provider: RootProvider = ProviderBuilder::default()
            .connect(&url)
            .await
            .expect("a provider");
        let mut blocks = BTreeSet::new();
        for client in &loaded {
            assert_eq!(client.hashes.len() as u64, transfers, "every transfer sent");
            let mut paid_wei = U256::ZERO;
            for (nonce, (hash, value_wei)) in
                client.hashes.iter().zip(&client.values_wei).enumerate()
            {
                let tx = provider
                    .get_transaction_by_hash(*hash)
                    .await
                    .expect("eth_getTransactionByHash")
                    .unwrap_or_else(|| panic!("transfer {hash} is known"));
                assert_eq!(
                    (tx.from(), tx.to(), tx.value(), tx.nonce()),
                    (client.from, Some(client.to), *value_wei, nonce as u64),
                    "transfer {hash} as sent"
                );
                let receipt = provider
                    .get_transaction_receipt(*hash)
                    .await
                    .expect("eth_getTransactionReceipt")
                    .unwrap_or_else(|| panic!("transfer {hash} has a receipt"));
                assert!(receipt.status(), "transfer {hash} succeeded");
                let number = receipt.block_number.expect("mined");
                let block = provider
                    .get_block_by_number(BlockNumberOrTag::Number(number))
                    .await
                    .expect("eth_getBlockByNumber")
                    .unwrap_or_else(|| panic!("block {number} exists"));
                assert!(
                    block.transactions.hashes().any(|h| h == *hash),
                    "block {number} holds transfer {hash}"
                );
                assert!(blocks.insert(number), "block {number} holds one transfer");
                paid_wei += *value_wei
                    + U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price);
            }
            let nonce = provider
                .get_transaction_count(client.from)
                .await
                .expect("eth_getTransactionCount");
            assert_eq!(
                nonce, transfers,
                "{}'s nonce counts its transfers",
                client.from
            );
            let received_wei: U256 = client.values_wei.iter().sum();
            assert_eq!(
                provider
                    .get_balance(client.to)
                    .await
                    .expect("eth_getBalance"),
                received_wei,
                "{} received every transfer once",
                client.to
            );
            assert_eq!(
                provider
                    .get_balance(client.from)
                    .await
                    .expect("eth_getBalance"),
                default_dev_balance_wei() - paid_wei,
                "{} paid every transfer and its gas once",
                client.from
            );
        }
        let head = provider.get_block_number().await.expect("eth_blockNumber");
        assert_eq!(
            blocks,
            (1..=head).collect::<BTreeSet<u64>>(),
            "every block holds one of the transfers, and there is no other"
        );
    });
    server.stop().expect("stops");
}
