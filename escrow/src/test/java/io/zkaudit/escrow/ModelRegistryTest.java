package io.zkaudit.escrow;

import static io.zkaudit.escrow.Reverts.assertReverts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zkaudit.escrow.chain.ChainNode;
import io.zkaudit.escrow.contracts.ModelRegistry;
import java.math.BigInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(AnvilExtension.class)
class ModelRegistryTest {
    private EscrowFixture f;

    @BeforeEach
    void deploy(ChainNode node) {
        f = EscrowFixture.deploy(node);
    }

    @Test
    void registersAModelWithItsCommitmentAndBond() {
        Bytes32 description = Bytes32.random();
        Bytes32 commitment = Bytes32.random();
        BigInteger bond = Wei.ether(3);
        BigInteger before = f.node.balanceOf(f.deployment.registry());

        long modelId = f.seller.registry().registerModel(description, commitment, bond);

        ModelRecord model = f.buyer.registry().getModel(modelId);
        assertEquals(1, modelId);
        assertEquals(f.seller.address(), model.seller());
        assertEquals(description, model.descriptionDigest());
        assertEquals(commitment, model.weightCommitment());
        assertEquals(bond, model.stake());
        assertTrue(model.active());
        assertTrue(f.buyer.registry().isActive(modelId));
        assertEquals(1, f.buyer.registry().modelCount());
        assertEquals(before.add(bond), f.node.balanceOf(f.deployment.registry()));

        var events = ContractLogs.events(f.node, f.deployment.registry(), ModelRegistry.MODELREGISTERED_EVENT,
                ModelRegistry::getModelRegisteredEventFromLog);
        assertEquals(1, events.size());
        assertEquals(BigInteger.ONE, events.getFirst().modelId);
        assertEquals(f.seller.address(), events.getFirst().seller);
        assertEquals(commitment, new Bytes32(events.getFirst().weightCommitment));
        assertEquals(description, new Bytes32(events.getFirst().descriptionDigest));
        assertEquals(bond, events.getFirst().stake);
    }

    @Test
    void rejectsMalformedRegistrations() {
        BigInteger bond = EscrowFixture.MIN_REGISTRATION_STAKE;
        Bytes32 zero = new Bytes32(new byte[32]);
        assertReverts("empty description digest", () -> f.seller.registry().registerModel(zero, Bytes32.random(), bond));
        assertReverts("empty weight commitment", () -> f.seller.registry().registerModel(Bytes32.random(), zero, bond));
        assertReverts("stake below minimum",
                () -> f.seller.registry().registerModel(Bytes32.random(), Bytes32.random(), bond.subtract(BigInteger.ONE)));
        Bytes32 commitment = Bytes32.random();
        f.seller.registry().registerModel(Bytes32.random(), commitment, bond);
        assertReverts("commitment already registered",
                () -> f.seller.registry().registerModel(Bytes32.random(), commitment, bond));
        assertEquals(1, f.seller.registry().modelCount());
        assertReverts("unknown model", () -> f.seller.registry().getModel(2));
    }

    @Test
    void onlyTheSellerRetiresAndWithdrawsAfterTheDelay() {
        long modelId = f.registerModel();
        assertReverts("not the seller", () -> f.stranger.registry().retireModel(modelId));
        assertReverts("model not retired", () -> f.seller.registry().withdrawModelStake(modelId));

        f.seller.registry().retireModel(modelId);
        assertFalse(f.buyer.registry().isActive(modelId));
        assertTrue(f.buyer.registry().getModel(modelId).retiredAt().isPresent());
        assertReverts("already retired", () -> f.seller.registry().retireModel(modelId));
        assertReverts("withdraw delay not over", () -> f.seller.registry().withdrawModelStake(modelId));

        f.pastWindow();
        assertReverts("not the seller", () -> f.stranger.registry().withdrawModelStake(modelId));
        BigInteger registryBefore = f.node.balanceOf(f.deployment.registry());
        f.seller.registry().withdrawModelStake(modelId);
        assertEquals(registryBefore.subtract(EscrowFixture.MIN_REGISTRATION_STAKE),
                f.node.balanceOf(f.deployment.registry()));
        assertEquals(BigInteger.ZERO, f.buyer.registry().getModel(modelId).stake());
        assertReverts("stake already withdrawn", () -> f.seller.registry().withdrawModelStake(modelId));
    }
}
