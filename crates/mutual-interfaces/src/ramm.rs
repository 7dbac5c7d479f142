//! RAMM: the mutual's market for NXM (V2's ratcheting AMM).
//!
//! Two virtual constant-product pools share one virtual ETH reserve: members buy NXM from pool A
//! (above book value) and sell it to pool B (below book value); both prices ratchet toward book
//! value over time (`mutual_math::ramm` has every formula). The ETH itself lives in the capital
//! pool: a buy's ETH goes there, a sale is paid from there.
//!
//! Roles:
//! * **members**: `swap` (the NXM token mints and burns only for members);
//! * **anyone**: `getInternalPriceAndUpdateTwap` (brings the state and the TWAP to now);
//! * **advisory board** (any seat, read from membership): `setSwapPaused(true)` and lowering the
//!   circuit-breaker limits;
//! * **governance**: lifting the swap pause, any circuit-breaker limits, `removeBudget`,
//!   `setContracts`, `setGovernance`.

pub use crate::common::{GovernanceChanged, MathOverflow, NotAContract, Unauthorized, ZeroAddress};

crate::contract_interface! {
    interface IRamm {
        // Members.
        function swap(uint256 nxmIn, uint256 minAmountOut, uint256 deadline) external payable returns (uint256);

        // Anyone.
        function getInternalPriceAndUpdateTwap() external returns (uint256);

        // Advisory board (pause, lower limits) and governance.
        function setSwapPaused(bool paused) external;
        function setCircuitBreakerLimits(uint256 ethLimit, uint256 nxmLimit) external;

        // Governance only.
        function removeBudget() external;
        function setContracts(address nxmToken, address capitalPool, address membership) external;
        function setGovernance(address newGovernance) external;

        // Views, brought to the current block.
        function state() external view returns (uint256 spotPriceA, uint256 spotPriceB, uint256 bookValue, uint256 internalPrice, uint256 ethReserve, uint256 nxmReserveA, uint256 nxmReserveB, uint256 budgetEth);
        function quote(uint256 ethIn, uint256 nxmIn) external view returns (uint256);
        function circuitBreakers() external view returns (bool swapPaused, uint256 ethReleased, uint256 ethLimit, uint256 nxmReleased, uint256 nxmLimit);
        function governance() external view returns (address);
    }
}

crate::contract_items! {
    /// `member` bought `nxmOut` NXM for `ethIn` ETH; the reserves after the swap follow (spot
    /// prices are `ethReserve / nxmReserveA` and `ethReserve / nxmReserveB`).
    event EthSwappedForNxm(address indexed member, uint256 ethIn, uint256 nxmOut, uint256 ethReserve, uint256 nxmReserveA, uint256 nxmReserveB);
    /// `member` sold `nxmIn` NXM for `ethOut` ETH; the reserves after the swap follow.
    event NxmSwappedForEth(address indexed member, uint256 nxmIn, uint256 ethOut, uint256 ethReserve, uint256 nxmReserveA, uint256 nxmReserveB);
    /// The TWAP observation at the period boundary `timestamp` was recorded (cumulative prices
    /// in wei-per-NXM × seconds, modulo 2^112).
    event ObservationUpdated(uint256 timestamp, uint256 cumulativePriceA, uint256 cumulativePriceB);
    /// Capital was moved into the RAMM's virtual ETH reserve (liquidity injection).
    event EthInjected(uint256 amountEth);
    /// The RAMM's virtual ETH reserve shrank toward its target (liquidity extraction).
    event EthExtracted(uint256 amountEth);
    /// Governance removed the injection budget: pool B ratchets at the normal speed from now on.
    event BudgetRemoved();
    /// `by` paused (`true`) or resumed (`false`) swaps.
    event SwapPauseConfigured(bool paused, address indexed by);
    /// `by` set the cumulative circuit-breaker limits.
    event CircuitBreakerLimitsSet(uint256 ethLimit, uint256 nxmLimit, address indexed by);
    /// Governance set the contracts the RAMM trusts.
    event ContractsSet(address nxmToken, address capitalPool, address membership);

    /// Swaps are paused (emergency pause of the advisory board, or not opened yet).
    #[derive(Debug, PartialEq, Eq)]
    error SwapPaused();
    /// A swap takes exactly one input: ETH (`msg.value`) or NXM, not both and not neither (V2's
    /// `OneInputOnly` and `OneInputRequired` in one error).
    #[derive(Debug, PartialEq, Eq)]
    error OneInputRequired();
    /// The swap's `deadline` is before the block timestamp.
    #[derive(Debug, PartialEq, Eq)]
    error SwapExpired(uint256 deadline, uint256 blockTimestamp);
    /// The swap would give `amountOut`, less than the caller's `minAmountOut`.
    #[derive(Debug, PartialEq, Eq)]
    error InsufficientAmountOut(uint256 amountOut, uint256 minAmountOut);
    /// The swap would take the ETH released by sales to `releasedEth` + `amountEth`, past the
    /// cumulative limit `limitEth`.
    #[derive(Debug, PartialEq, Eq)]
    error EthCircuitBreakerHit(uint256 releasedEth, uint256 amountEth, uint256 limitEth);
    /// The swap would take the NXM released by buys past the cumulative limit `limitNxm`.
    #[derive(Debug, PartialEq, Eq)]
    error NxmCircuitBreakerHit(uint256 releasedNxm, uint256 amountNxm, uint256 limitNxm);
    /// An advisory-board member may only lower the limits, which are now `currentEthLimit` and
    /// `currentNxmLimit`; raising either is governance's.
    #[derive(Debug, PartialEq, Eq)]
    error LimitRaiseNotAllowed(uint256 currentEthLimit, uint256 currentNxmLimit);
    /// Book value is undefined: the capital pool holds `capitalEth` against an NXM supply of
    /// `supplyNxm` (no supply, or no capital).
    #[derive(Debug, PartialEq, Eq)]
    error BookValueUndefined(uint256 capitalEth, uint256 supplyNxm);
    /// A launch parameter is invalid: zero reserve or prices, spot B above spot A, a zero day.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidLaunchParameters();
}
