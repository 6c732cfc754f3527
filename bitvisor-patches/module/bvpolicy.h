/*
 * bvpolicy: a packet-policy module for BitVisor (bvlab, lab 6).
 *
 * What bvpolicy.c (the given skeleton) and policy.c (the classification
 * and the verdicts, written by the students) share. The skeleton owns the
 * frames: it calls policy_egress() for every frame the guest sends and
 * policy_ingress() for every frame the wire sends to the guest, with the
 * policy's lock held, and drops the frame unless the verdict is
 * BVP_PASS. Everything the two functions read or change is in struct
 * bvpolicy; they never send, print, sleep or allocate.
 *
 * Multi-byte fields of a frame are in network byte order; every address
 * and port in struct bvpolicy is a plain number in host order
 * (10.0.2.15 is 0x0a00020f).
 */

#ifndef _BVPOLICY_H
#define _BVPOLICY_H

#include <core/types.h>

/* What the vmmcall "bvpolicy" copies to the guest: 14 little-endian
 * u32s, 56 bytes. out_* count guest->wire frames by verdict, in_*
 * wire->guest frames; arp..other count every guest->wire frame by
 * protocol, whatever its verdict (a malformed IPv4 frame is other_ip). */
struct bvpolicy_counters {
	u32 magic;		/* BVPOLICY_MAGIC */
	u32 version;		/* BVPOLICY_VERSION */
	u32 out_pass;
	u32 out_deny;		/* a deny rule matched */
	u32 out_spoof;		/* not from the guest's own MAC or IPv4 */
	u32 out_malformed;
	u32 in_pass;
	u32 in_drop;
	u32 arp;
	u32 tcp;
	u32 udp;
	u32 icmp;
	u32 other_ip;
	u32 other;
};

#define BVPOLICY_MAGIC		0x43505642	/* "BVPC" in memory */
#define BVPOLICY_VERSION	1

enum bvpolicy_verdict {
	BVP_PASS,		/* forward the frame */
	BVP_DENY,		/* out: a deny rule matched */
	BVP_SPOOF,		/* out: wrong source MAC or IPv4 address */
	BVP_MALFORMED,		/* out: see the rule in module/README.md */
	BVP_DROP,		/* in: too short to be Ethernet */
};

/* IPv4 protocol numbers a rule can name; BVP_PROTO_ANY matches all. */
#define BVP_PROTO_ANY	0
#define BVP_PROTO_ICMP	1
#define BVP_PROTO_TCP	6
#define BVP_PROTO_UDP	17

/* One rule: it matches an IPv4 frame from the guest whose destination
 * address d has (d & mask) == addr, whose protocol is proto (unless
 * BVP_PROTO_ANY) and, if port is not 0, which is TCP or UDP with that
 * destination port. mask 0 matches every address. */
struct bvpolicy_rule {
	bool deny;		/* false: allow */
	u8 proto;
	u16 port;
	u32 addr, mask;
};

#define BVPOLICY_MAXRULES 32

struct bvpolicy {
	/* Set by the skeleton from the configuration before any frame. */
	struct bvpolicy_rule rule[BVPOLICY_MAXRULES];
	int nrules;		/* first match wins; no match: allow */
	bool enforce;		/* false (allow-all): count, never drop */
	u8 guest_mac[6];	/* the NIC's MAC, which the guest is shown */

	/* The guest's IPv4 address; 0 while unknown. Set by the skeleton
	 * when configured (guest_ip_fixed), else learned by
	 * policy_ingress() from the first DHCP ACK to guest_mac. */
	u32 guest_ip;
	bool guest_ip_fixed;

	struct bvpolicy_counters count;
};

/* policy.c: the verdict on one frame (len bytes at frame) that the guest
 * sends, and on one that the wire sends to the guest. Both count the
 * frame in p->count. */
enum bvpolicy_verdict policy_egress (struct bvpolicy *p, const u8 *frame,
				     unsigned int len);
enum bvpolicy_verdict policy_ingress (struct bvpolicy *p, const u8 *frame,
				      unsigned int len);

#endif
