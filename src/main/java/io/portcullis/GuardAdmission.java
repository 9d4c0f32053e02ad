package io.portcullis;

import io.portcullis.forward.Admission;
import io.portcullis.guard.Decision;
import io.portcullis.guard.Guard;
import io.portcullis.net.Protocol;
import java.net.InetSocketAddress;

/** Lets the forwarding engine ask the guard, without either knowing the other's types. */
final class GuardAdmission implements Admission {

    private volatile Guard guard;

    GuardAdmission(Guard guard) {
        this.guard = guard;
    }

    /** A new guard (after a restore of the store): new connections ask it; tickets already out go back to the old one. */
    void replace(Guard next) {
        this.guard = next;
    }

    @Override
    public Ticket admit(String forward, Protocol protocol, InetSocketAddress client, int port) {
        Decision d = guard.admit(forward, protocol == Protocol.TCP, client);
        if (d == Decision.ADMIT) {
            return Ticket.ADMITTED;
        }
        return new DecisionTicket(d);
    }

    private record DecisionTicket(Decision decision) implements Ticket {
        @Override
        public String refusal() {
            return decision.refusal();
        }

        @Override
        public String detail() {
            return decision.detail();
        }

        @Override
        public void release() {
            decision.release();
        }
    }
}
