/*
 * policy.c: the verdicts of the bvpolicy module (lab 6).
 *
 * bvpolicy.c hands every frame to one of the two functions below, with
 * the policy's lock held, and forwards it only if the verdict is
 * BVP_PASS (unless the configuration said allow-all). A frame here is
 * raw Ethernet: destination MAC, source MAC, EtherType, payload; no
 * FCS, no VLAN handling, padding possibly after the IP packet.
 *
 * Out (guest -> wire), in this order:
 *   malformed  a frame that cannot be judged is dropped: shorter than an
 *              Ethernet header; IPv4 whose header is cut, has IHL < 5, a
 *              version other than 4 or a total length beyond the frame
 *              or below the header; TCP or UDP that is a fragment (MF set
 *              or a nonzero offset: the ports are not in every fragment)
 *              or whose first 20 (TCP) or 8 (UDP) header bytes are cut;
 *              ARP that is cut or not Ethernet/IPv4 ARP.
 *   spoof      the source MAC (and an ARP sender's MAC) must be the
 *              guest's; the source IPv4 address (an ARP sender's too)
 *              must be the guest's. While that is unknown only 0.0.0.0
 *              is accepted, and in IPv4 only from a DHCP client (UDP
 *              68 -> 67); 0.0.0.0 from a DHCP client always is.
 *   rules      IPv4 only: the first matching rule decides; no match
 *              allows. Other EtherTypes (IPv6, ...) are not IPv4: they
 *              pass once their source MAC is right.
 * In (wire -> guest): a frame shorter than an Ethernet header is dropped,
 * every other frame passes. The first DHCP ACK to the guest's MAC sets
 * the guest's address, unless the configuration fixed it.
 */

#include <core/string.h>
#include "bvpolicy.h"

// LAB 6: BEGIN SOLUTION
#define ETH_HLEN	14
#define ETH_IPV4	0x0800
#define ETH_ARP		0x0806
#define ARP_LEN		28	/* Ethernet/IPv4 ARP */
#define IP_MF		0x2000
#define IP_OFFSET	0x1fff
#define DHCP_SERVER	67
#define DHCP_CLIENT	68
#define BOOTP_FIXED	236	/* BOOTP's fixed fields, before the cookie */
#define DHCP_COOKIE	0x63825363
#define DHCP_MSGTYPE	53
#define DHCP_ACK	5

/* What the verdicts need of an IPv4 packet. */
struct ipinfo {
	u8 proto;
	u32 src, dst;
	bool ports;		/* TCP or UDP: sport, dport valid */
	u16 sport, dport;
	const u8 *l4;		/* the TCP/UDP header */
	unsigned int l4len;	/* bytes from l4 to the end of the packet */
};

static u16
get16 (const u8 *b)
{
	return b[0] << 8 | b[1];
}

static u32
get32 (const u8 *b)
{
	return (u32)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

/* Check the IPv4 packet at ip, of which avail bytes are in the frame,
 * and fill in *h. False if it is malformed (see the top of the file). */
static bool
ipv4_parse (const u8 *ip, unsigned int avail, struct ipinfo *h)
{
	unsigned int ihl, total, need;
	u16 frag;

	if (avail < 20 || ip[0] >> 4 != 4)
		return false;
	ihl = (ip[0] & 15) * 4;
	total = get16 (ip + 2);
	if (ihl < 20 || total < ihl || total > avail)
		return false;
	h->proto = ip[9];
	h->src = get32 (ip + 12);
	h->dst = get32 (ip + 16);
	h->ports = false;
	if (h->proto != BVP_PROTO_TCP && h->proto != BVP_PROTO_UDP)
		return true;
	frag = get16 (ip + 6);
	need = h->proto == BVP_PROTO_TCP ? 20 : 8;
	if ((frag & (IP_MF | IP_OFFSET)) || total - ihl < need)
		return false;
	h->ports = true;
	h->l4 = ip + ihl;
	h->l4len = total - ihl;
	h->sport = get16 (h->l4);
	h->dport = get16 (h->l4 + 2);
	return true;
}

static void
count_protocol (struct bvpolicy_counters *c, bool ok, u8 proto)
{
	if (ok && proto == BVP_PROTO_TCP)
		c->tcp++;
	else if (ok && proto == BVP_PROTO_UDP)
		c->udp++;
	else if (ok && proto == BVP_PROTO_ICMP)
		c->icmp++;
	else
		c->other_ip++;
}

static bool
rule_matches (const struct bvpolicy_rule *r, const struct ipinfo *h)
{
	if ((h->dst & r->mask) != r->addr)
		return false;
	if (r->proto != BVP_PROTO_ANY && r->proto != h->proto)
		return false;
	return !r->port || (h->ports && h->dport == r->port);
}

/* Is src an address the guest may send from? */
static bool
source_ok (struct bvpolicy *p, u32 src, bool dhcp_client)
{
	if (src == 0)
		return dhcp_client;
	return p->guest_ip && src == p->guest_ip;
}

static enum bvpolicy_verdict
egress_ipv4 (struct bvpolicy *p, const u8 *frame, unsigned int len,
	     bool mac_ok)
{
	struct ipinfo h;
	bool ok, dhcp;
	int i;

	h.proto = 0;
	ok = ipv4_parse (frame + ETH_HLEN, len - ETH_HLEN, &h);
	count_protocol (&p->count, ok, h.proto);
	if (!ok)
		return BVP_MALFORMED;
	dhcp = h.proto == BVP_PROTO_UDP && h.sport == DHCP_CLIENT &&
		h.dport == DHCP_SERVER;
	if (!mac_ok || !source_ok (p, h.src, dhcp))
		return BVP_SPOOF;
	for (i = 0; i < p->nrules; i++)
		if (rule_matches (&p->rule[i], &h))
			return p->rule[i].deny ? BVP_DENY : BVP_PASS;
	return BVP_PASS;
}

static enum bvpolicy_verdict
egress_arp (struct bvpolicy *p, const u8 *frame, unsigned int len,
	    bool mac_ok)
{
	const u8 *arp = frame + ETH_HLEN;
	u32 sender;

	p->count.arp++;
	if (len < ETH_HLEN + ARP_LEN || get16 (arp) != 1 ||
	    get16 (arp + 2) != ETH_IPV4 || arp[4] != 6 || arp[5] != 4)
		return BVP_MALFORMED;
	sender = get32 (arp + 14);
	if (!mac_ok || memcmp (arp + 8, p->guest_mac, 6) != 0 ||
	    (sender != 0 && !source_ok (p, sender, false)))
		return BVP_SPOOF;
	return BVP_PASS;
}

static enum bvpolicy_verdict
egress (struct bvpolicy *p, const u8 *frame, unsigned int len)
{
	bool mac_ok;
	u16 type;

	if (len < ETH_HLEN) {
		p->count.other++;
		return BVP_MALFORMED;
	}
	mac_ok = memcmp (frame + 6, p->guest_mac, 6) == 0;
	type = get16 (frame + 12);
	if (type == ETH_IPV4)
		return egress_ipv4 (p, frame, len, mac_ok);
	if (type == ETH_ARP)
		return egress_arp (p, frame, len, mac_ok);
	p->count.other++;
	return mac_ok ? BVP_PASS : BVP_SPOOF;
}

enum bvpolicy_verdict
policy_egress (struct bvpolicy *p, const u8 *frame, unsigned int len)
{
	enum bvpolicy_verdict v;

	v = egress (p, frame, len);
	switch (v) {
	case BVP_PASS:
		p->count.out_pass++;
		break;
	case BVP_DENY:
		p->count.out_deny++;
		break;
	case BVP_SPOOF:
		p->count.out_spoof++;
		break;
	default:
		p->count.out_malformed++;
		break;
	}
	return v;
}

/* The address a DHCP ACK to the guest's MAC gives it, or 0. */
static u32
dhcp_ack_address (struct bvpolicy *p, const u8 *frame, unsigned int len)
{
	struct ipinfo h;
	const u8 *bootp, *opt, *end;
	unsigned int udplen;

	if (len < ETH_HLEN || get16 (frame + 12) != ETH_IPV4 ||
	    !ipv4_parse (frame + ETH_HLEN, len - ETH_HLEN, &h) ||
	    h.proto != BVP_PROTO_UDP || h.sport != DHCP_SERVER ||
	    h.dport != DHCP_CLIENT)
		return 0;
	udplen = get16 (h.l4 + 4);
	if (udplen < 8 || udplen > h.l4len)
		return 0;
	bootp = h.l4 + 8;
	end = h.l4 + udplen;
	if (end - bootp < BOOTP_FIXED + 4 || bootp[0] != 2 ||
	    memcmp (bootp + 28, p->guest_mac, 6) != 0 ||
	    get32 (bootp + BOOTP_FIXED) != DHCP_COOKIE)
		return 0;
	/* Options: code, length, value; 0 is one byte of padding, 255
	 * the end. Every length is checked against the end. */
	for (opt = bootp + BOOTP_FIXED + 4; opt < end && *opt != 255;) {
		if (*opt == 0) {
			opt++;
			continue;
		}
		if (end - opt < 2 || end - opt - 2 < opt[1])
			return 0;
		if (opt[0] == DHCP_MSGTYPE && opt[1] == 1)
			return opt[2] == DHCP_ACK ? get32 (bootp + 16) : 0;
		opt += 2 + opt[1];
	}
	return 0;
}

enum bvpolicy_verdict
policy_ingress (struct bvpolicy *p, const u8 *frame, unsigned int len)
{
	if (len < ETH_HLEN) {
		p->count.in_drop++;
		return BVP_DROP;
	}
	if (!p->guest_ip && !p->guest_ip_fixed)
		p->guest_ip = dhcp_ack_address (p, frame, len);
	p->count.in_pass++;
	return BVP_PASS;
}
// LAB 6: STUB
// enum bvpolicy_verdict
// policy_egress (struct bvpolicy *p, const u8 *frame, unsigned int len)
// {
// 	// Lab 6: the verdict on one frame the guest sends (len bytes at
// 	// frame), by the rules at the top of this file: BVP_MALFORMED,
// 	// BVP_SPOOF, BVP_DENY (the first rule of p->rule[0..nrules) that
// 	// matches denies it) or BVP_PASS. Count the frame twice in
// 	// p->count: under its verdict (out_*) and under its protocol (arp,
// 	// tcp, udp, icmp, other_ip for other and malformed IPv4, other for
// 	// the rest), whatever the verdict.
// 	// Traps: the guest chose every byte, every length field included;
// 	// the frame may end anywhere; fields are big-endian.
// 	return BVP_PASS;
// }
//
// enum bvpolicy_verdict
// policy_ingress (struct bvpolicy *p, const u8 *frame, unsigned int len)
// {
// 	// Lab 6: the verdict on one frame the wire sends to the guest:
// 	// BVP_DROP (count in_drop) if it is shorter than an Ethernet
// 	// header, else BVP_PASS (count in_pass). While p->guest_ip is 0
// 	// and not fixed, the first DHCP ACK to the guest's MAC sets it.
// 	// Traps: a frame from the network is no more to be trusted than
// 	// one from the guest.
// 	return BVP_PASS;
// }
// LAB 6: END
