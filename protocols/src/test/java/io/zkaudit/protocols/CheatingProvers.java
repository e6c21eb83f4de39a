package io.zkaudit.protocols;

import io.zkaudit.inference.ModelProof;
import io.zkaudit.protocols.seller.AnswerProver;
import io.zkaudit.prover.inference.CommittedModel;
import java.lang.reflect.RecordComponent;

/** Sellers that cheat, each in one way. */
final class CheatingProvers {
  private CheatingProvers() {}

  /** States a different top logit in signed answers, but its proofs are honest. */
  static final AnswerProver SIGNS_TAMPERED_OUTPUT =
      new AnswerProver() {
        @Override
        public int[] output(CommittedModel model, int[] input) {
          return tampered(HONEST.output(model, input));
        }

        @Override
        public ModelProof prove(CommittedModel model, int[] input) {
          return HONEST.prove(model, input);
        }
      };

  /** Proves, then replaces the output inside the proof. */
  static final AnswerProver PROOF_WITH_TAMPERED_OUTPUT =
      proving(
          (model, input) -> {
            ModelProof p = AnswerProver.HONEST.prove(model, input);
            return withOutput(p, tampered(p.output()));
          });

  /** Proves a different input than the buyer's. */
  static final AnswerProver PROVES_ANOTHER_INPUT =
      proving(
          (model, input) -> {
            int[] other = input.clone();
            other[0] = other[0] == 0 ? 1 : 0;
            return AnswerProver.HONEST.prove(model, other);
          });

  /** Proves with other weights than the registered ones. */
  static final AnswerProver PROVES_ANOTHER_MODEL =
      proving(
          (model, input) -> {
            try {
              return AnswerProver.HONEST.prove(Resnet8.otherModel(), input);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });

  /**
   * Answers honestly and proves honestly {@code proofs} times (counted in {@code made}), then dies
   * at the next proof: a seller killed mid-protocol ({@code proofs} = 0: as soon as it must prove).
   */
  static AnswerProver diesAfter(int proofs, java.util.concurrent.atomic.AtomicInteger made) {
    return new AnswerProver() {
      @Override
      public int[] output(CommittedModel model, int[] input) {
        return HONEST.output(model, input);
      }

      @Override
      public ModelProof prove(CommittedModel model, int[] input) {
        if (made.get() >= proofs) {
          throw new IllegalStateException("killed");
        }
        made.incrementAndGet();
        return HONEST.prove(model, input);
      }

      @Override
      public ModelProof proveCommitted(
          CommittedModel model, io.zkaudit.prover.inference.CommittedInput input) {
        if (made.get() >= proofs) {
          throw new IllegalStateException("killed");
        }
        made.incrementAndGet();
        return HONEST.proveCommitted(model, input);
      }
    };
  }

  private interface Prove {
    ModelProof prove(CommittedModel model, int[] input);
  }

  private static AnswerProver proving(Prove cheat) {
    return new AnswerProver() {
      @Override
      public int[] output(CommittedModel model, int[] input) {
        return cheat.prove(model, input).output();
      }

      @Override
      public ModelProof prove(CommittedModel model, int[] input) {
        return cheat.prove(model, input);
      }
    };
  }

  static int[] tampered(int[] output) {
    // Swap the top logit with the lowest one: another class wins, and every value stays in range.
    int[] t = output.clone();
    int top = 0;
    int low = 0;
    for (int i = 1; i < t.length; i++) {
      if (t[i] > t[top]) top = i;
      if (t[i] < t[low]) low = i;
    }
    if (t[top] == t[low]) {
      t[0] = t[0] == 0 ? 1 : 0;
      return t;
    }
    int v = t[top];
    t[top] = t[low];
    t[low] = v;
    return t;
  }

  /**
   * A copy of the proof with another output (ModelProof is a record: rebuild it from its
   * components).
   */
  static ModelProof withOutput(ModelProof p, int[] output) {
    try {
      RecordComponent[] cs = ModelProof.class.getRecordComponents();
      Object[] args = new Object[cs.length];
      Class<?>[] types = new Class<?>[cs.length];
      for (int i = 0; i < cs.length; i++) {
        types[i] = cs[i].getType();
        args[i] = cs[i].getName().equals("output") ? output : cs[i].getAccessor().invoke(p);
      }
      return ModelProof.class.getDeclaredConstructor(types).newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
