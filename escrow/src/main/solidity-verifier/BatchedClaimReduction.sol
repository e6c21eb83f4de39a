// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import "./Goldilocks.sol";
import "./FiatShamir.sol";
import "./BasefoldCore.sol";

/// @notice The first phase of a batched opening (Java: `BatchedOpening.verify`, steps 1 and 2), a
/// contract of its own so that `BatchedOpeningVerifier` stays under EIP-170's 24 KB: absorbs the
/// parameters, the number of polynomials, every commitment with its claims, draws rho, checks the
/// claim-reduction sumcheck (n rounds of degree 2) and the reduced values s_j = f_j(r_{>=t_j})
/// against its last round, and absorbs them. `BatchedOpeningVerifier` deploys it and calls it;
/// a rejection reverts with the same `Rejected(reason, detail)`, which the caller passes on.
contract BatchedClaimReduction is BasefoldCore {
    using FiatShamir for FiatShamir.Transcript;

    constructor(uint256 logBlowup_, uint256 foldArityLog_, uint256 finalVarsMin_, uint256 queries_, uint256 powBits_)
        BasefoldCore(logBlowup_, foldArityLog_, finalVarsMin_, queries_, powBits_)
    {}

    /// @notice Runs the header and the claim reduction from stateIn. `polys` is the statement
    /// (checked by the caller as well), `reduction` the proof's bytes before the combined opening,
    /// whose layout the caller has checked.
    /// @return state the transcript state after the reduced values
    /// @return z the reduction's point r (interleaved extension coordinates)
    /// @return reduced the values s_j, interleaved
    function reduce(bytes32 stateIn, bytes calldata polys, bytes calldata reduction)
        external view returns (bytes32 state, uint256[] memory z, uint256[] memory reduced)
    {
        Poly[] memory ps = _polys(polys);
        uint256 n = ps[0].n;
        FiatShamir.Transcript memory t = FiatShamir.Transcript(stateIn);
        _absorbParams(t);
        t.absorbLong("pcs/batched", ps.length);
        uint256[][] memory values = new uint256[][](ps.length);
        uint256 total = 0;
        for (uint256 j = 0; j < ps.length; ++j) {
            values[j] = _absorbClaims(t, ps[j].n, ps[j].root, polys[ps[j].at:ps[j].at + ps[j].len]);
            total += values[j].length;
        }
        uint256[2] memory rho;
        (rho[0], rho[1]) = t.challengeExt("pcs/batch");
        uint256[] memory all = new uint256[](total);
        total = 0;
        for (uint256 j = 0; j < ps.length; ++j) {
            for (uint256 k = 0; k < values[j].length; ++k) {
                all[total++] = values[j][k];
            }
        }
        uint256[2] memory last;
        (z, last) = _reduce(t, n, reduction, _combine(all, rho));
        uint256 valuesAt = 4 + 48 * n + 4;
        t.absorbCalldata("pcs/reduced", reduction[valuesAt:valuesAt + 16 * ps.length]);
        reduced = _readExts(reduction, valuesAt, ps.length, Reason.Malformed);
        _checkReduced(n, ps, polys, rho, z, reduced, last);
        state = t.state;
    }

    /// @dev The reduction's rounds: each sums to the running claim; returns the point r.
    function _reduce(FiatShamir.Transcript memory t, uint256 n, bytes calldata reduction, uint256[2] memory claim)
        private pure returns (uint256[] memory r, uint256[2] memory last)
    {
        r = new uint256[](2 * n);
        for (uint256 i = 0; i < n; ++i) {
            uint256 at = 4 + 48 * i;
            uint256[] memory h = _readExts(reduction, at, 3, Reason.Malformed);
            (uint256 s0, uint256 s1) = Goldilocks.eadd(h[0], h[1], h[2], h[3]);
            if (s0 != claim[0] || s1 != claim[1]) revert Rejected(Reason.ReductionRound, i);
            t.absorbCalldata("pcs/reduce-round", reduction[at:at + 48]);
            (uint256 r0, uint256 r1) = t.challengeExt("pcs/reduce");
            r[2 * i] = r0;
            r[2 * i + 1] = r1;
            (claim[0], claim[1]) = _interpolate(h, r0, r1);
        }
        last = claim;
    }

    /// @dev sum_j 2^-t_j s_j g_j(r_{>=t_j}), g_j = sum over f_j's claims of rho^k sum_terms w
    /// eq(z, r_{>=t_j}), must equal the reduction's last claim.
    function _checkReduced(
        uint256 n,
        Poly[] memory ps,
        bytes calldata polys,
        uint256[2] memory rho,
        uint256[] memory z,
        uint256[] memory reduced,
        uint256[2] memory last
    ) private pure {
        (uint256 e0, uint256 e1) = (0, 0);
        (uint256 rk0, uint256 rk1) = (1, 0);
        for (uint256 j = 0; j < ps.length; ++j) {
            bytes calldata claims = polys[ps[j].at:ps[j].at + ps[j].len];
            uint256 nj = ps[j].n;
            (uint256 g0, uint256 g1) = (0, 0);
            uint256 count = _claimU32(claims, 0);
            uint256 off = 4;
            for (uint256 k = 0; k < count; ++k) {
                uint256 terms = _claimU32(claims, off);
                off += 4;
                (uint256 c0, uint256 c1) = (0, 0);
                for (uint256 q = 0; q < terms; ++q) {
                    (uint256 w0, uint256 w1) = _eqAt(claims, off, z, n - nj, nj);
                    (w0, w1) = Goldilocks.emul(w0, w1, _u64(claims, off + 16 * nj), _u64(claims, off + 16 * nj + 8));
                    (c0, c1) = Goldilocks.eadd(c0, c1, w0, w1);
                    off += 16 * nj + 16;
                }
                off += 16;
                (c0, c1) = Goldilocks.emul(c0, c1, rk0, rk1);
                (g0, g1) = Goldilocks.eadd(g0, g1, c0, c1);
                (rk0, rk1) = Goldilocks.emul(rk0, rk1, rho[0], rho[1]);
            }
            (g0, g1) = Goldilocks.emul(g0, g1, reduced[2 * j], reduced[2 * j + 1]);
            (g0, g1) = Goldilocks.emulBase(g0, g1, Goldilocks.pow(Goldilocks.INV2, n - nj));
            (e0, e1) = Goldilocks.eadd(e0, e1, g0, g1);
        }
        if (e0 != last[0] || e1 != last[1]) revert Rejected(Reason.ReducedValues, 0);
    }

}
