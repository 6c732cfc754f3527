/*
 * bvpolicy: a packet-policy module for BitVisor (bvlab, lab 6). This
 * file is the given skeleton; the decisions are in policy.c.
 *
 * BitVisor drives the machine's NIC itself (pro1000) and shows the guest
 * a virtio-net device. Between the two sits one netapi module, chosen by
 * the net= option of vmm.driver.pci: net=pass (net/netapi.c) hands every
 * frame straight across; net=bvpolicy hands each one to policy.c first.
 * The guest cannot reach the real NIC, so a verdict made here holds even
 * if the guest kernel is entirely the attacker's.
 *
 * The netapi contract (include/net/netapi.h), as netapi.c uses it:
 *   new_nic (arg)  once per NIC that names us, at boot; arg is the text
 *                  after "net=bvpolicy:" (NULL after plain net=bvpolicy);
 *   init (...)     the two sides: phys, the real NIC, and virt, the
 *                  virtio-net device (NULL without virtio=1: we refuse);
 *   start ()       install one receive callback on each side. A callback
 *                  gets a batch of frames; the buffers are the caller's
 *                  and valid only during the call, so each frame is judged
 *                  and forwarded (send on the other side) before we return.
 *
 * Configuration (module/README.md has the full syntax): a list of items
 * separated by ';', e.g.
 *     net=bvpolicy:deny tcp 7777; deny udp 7777; deny 10.0.2.99
 * "allow-all" turns enforcement off (frames are still judged and counted,
 * none is dropped) and "guest A.B.C.D" fixes the guest's address instead
 * of learning it from DHCP. BitVisor's option parser ends a value at
 * ',', '=' or '|', so none of them can appear in the list.
 *
 * The counters reach the guest through the vmmcall "bvpolicy": ebx = a
 * buffer's guest linear address and ecx its size; we copy struct
 * bvpolicy_counters there and return its size in eax (0 if the buffer is
 * too small or not writable). ebx = 0 prints them on BitVisor's console
 * instead and returns 1.
 *
 * Locking: frames arrive on whichever CPU runs the guest's virtio
 * notification or the NIC's interrupt, so each NIC's struct bvpolicy is
 * guarded by a spinlock, held while policy.c runs and never while
 * sending.
 */

#include <arch/gmm.h>
#include <arch/vmmcall.h>
#include <core/initfunc.h>
#include <core/mm.h>
#include <core/panic.h>
#include <core/printf.h>
#include <core/spinlock.h>
#include <core/string.h>
#include <net/netapi.h>
#include "../core/vmmcall.h"
#include "bvpolicy.h"

/* The compiled-in policy (plain net=bvpolicy): the test policy that lab
 * 6's tests expect. */
#define BVPOLICY_DEFAULT "deny tcp 7777; deny udp 7777; deny 10.0.2.99"

/* Frames forwarded per send call. */
#define BATCH 32

struct side {
	void *handle;
	struct nicfunc *func;
};

struct bvnic {
	spinlock_t lock;
	struct bvpolicy pol;
	struct side phys, virt;
	char *arg;		/* the configuration text, for messages */
};

/* The NIC whose counters the vmmcall reports: the first one set up. */
static struct bvnic *reported;

/* ---------------------------------------------------------------- config */

static bool
is_space (char c)
{
	return c == ' ' || c == '\t';
}

/* The next word of [*p, end) (words are separated by blanks), or false
 * at the end. */
static bool
next_word (char **p, char *end, char **w, int *wlen)
{
	while (*p < end && is_space (**p))
		(*p)++;
	if (*p == end)
		return false;
	*w = *p;
	while (*p < end && !is_space (**p))
		(*p)++;
	*wlen = *p - *w;
	return true;
}

static bool
word_is (char *w, int wlen, char *s)
{
	return strlen (s) == wlen && !memcmp (w, s, wlen);
}

/* A decimal number no larger than max in all of [w, w + wlen). */
static bool
parse_number (char *w, int wlen, u32 max, u32 *n)
{
	int i;

	if (wlen < 1 || wlen > 10)
		return false;
	*n = 0;
	for (i = 0; i < wlen; i++) {
		if (w[i] < '0' || w[i] > '9')
			return false;
		if (*n > (max - (w[i] - '0')) / 10)
			return false;
		*n = *n * 10 + (w[i] - '0');
	}
	return true;
}

/* A.B.C.D or A.B.C.D/LEN: the address and the mask (all ones without
 * /LEN). */
static bool
parse_ipv4 (char *w, int wlen, u32 *addr, u32 *mask)
{
	char *end = w + wlen, *q;
	u32 part, len = 32;
	int i;

	*addr = 0;
	for (i = 0; i < 4; i++) {
		for (q = w; q < end && *q != '.' && *q != '/'; q++)
			;
		if (!parse_number (w, q - w, 255, &part))
			return false;
		*addr = *addr << 8 | part;
		if (i < 3 && (q == end || *q != '.'))
			return false;
		w = q + 1;
	}
	if (q < end) {
		if (*q != '/' || !parse_number (w, end - w, 32, &len))
			return false;
	}
	*mask = len ? ~0U << (32 - len) : 0;
	*addr &= *mask;
	return true;
}

/* The words after "allow" or "deny": any of a protocol (tcp, udp, icmp,
 * ip), a destination address (A.B.C.D[/LEN]) and a destination port. */
static char *
parse_rule (struct bvpolicy_rule *r, char *p, char *end)
{
	char *w;
	int wlen, n = 0;
	u32 port;

	r->proto = BVP_PROTO_ANY;
	r->port = 0;
	r->addr = 0;
	r->mask = 0;
	for (; next_word (&p, end, &w, &wlen); n++) {
		if (word_is (w, wlen, "tcp"))
			r->proto = BVP_PROTO_TCP;
		else if (word_is (w, wlen, "udp"))
			r->proto = BVP_PROTO_UDP;
		else if (word_is (w, wlen, "icmp"))
			r->proto = BVP_PROTO_ICMP;
		else if (word_is (w, wlen, "ip"))
			r->proto = BVP_PROTO_ANY;
		else if (memchr (w, '.', wlen)) {
			if (!parse_ipv4 (w, wlen, &r->addr, &r->mask))
				return "bad address (A.B.C.D or A.B.C.D/LEN)";
		} else if (parse_number (w, wlen, 65535, &port) && port) {
			r->port = port;
		} else {
			return "unknown word (tcp, udp, icmp, ip, an address"
				" or a port 1-65535)";
		}
	}
	if (!n)
		return "a rule needs a protocol, an address or a port";
	if (r->port && r->proto == BVP_PROTO_ICMP)
		return "icmp has no ports";
	return NULL;
}

/* One item of the list: "allow-all", "guest A.B.C.D", "allow ..." or
 * "deny ...". An error message, or NULL. */
static char *
parse_item (struct bvpolicy *pol, char *p, char *end)
{
	char *w;
	int wlen;
	u32 mask;

	if (!next_word (&p, end, &w, &wlen))
		return NULL;	/* an empty item */
	if (word_is (w, wlen, "allow-all")) {
		pol->enforce = false;
		return next_word (&p, end, &w, &wlen) ? "allow-all takes"
			" nothing after it" : NULL;
	}
	if (word_is (w, wlen, "guest")) {
		if (!next_word (&p, end, &w, &wlen) ||
		    !parse_ipv4 (w, wlen, &pol->guest_ip, &mask) ||
		    mask != ~0U || !pol->guest_ip ||
		    next_word (&p, end, &w, &wlen))
			return "guest takes one address A.B.C.D";
		pol->guest_ip_fixed = true;
		return NULL;
	}
	if (!word_is (w, wlen, "allow") && !word_is (w, wlen, "deny"))
		return "an item starts with allow, deny, guest or allow-all";
	if (pol->nrules == BVPOLICY_MAXRULES)
		return "too many rules";
	pol->rule[pol->nrules].deny = word_is (w, wlen, "deny");
	return parse_rule (&pol->rule[pol->nrules++], p, end);
}

/* A configuration error is the instructor's, found at boot: stop with a
 * message on the console rather than run with a policy nobody wrote. */
static void
parse_config (struct bvpolicy *pol, char *arg)
{
	char *p = arg, *end, *err;
	int item;

	for (item = 1;; item++) {
		for (end = p; *end && *end != ';'; end++)
			;
		err = parse_item (pol, p, end);
		if (err)
			panic ("bvpolicy: net=bvpolicy:%s: item %d: %s", arg,
			       item, err);
		if (!*end)
			break;
		p = end + 1;
	}
}

/* ---------------------------------------------------------------- frames */

/* Judge a batch from one side under the lock, then forward the frames
 * that pass to the other side, BATCH at a time. */
static void
forward (struct bvnic *nic, struct side *to, bool from_guest,
	 unsigned int num, void **packets, unsigned int *sizes)
{
	void *keep[BATCH];
	unsigned int keep_size[BATCH];
	unsigned int i, j, k, n;
	enum bvpolicy_verdict v;

	for (i = 0; i < num; i += n) {
		n = num - i < BATCH ? num - i : BATCH;
		spinlock_lock (&nic->lock);
		for (j = 0; j < n; j++) {
			v = from_guest ?
				policy_egress (&nic->pol, packets[i + j],
					       sizes[i + j]) :
				policy_ingress (&nic->pol, packets[i + j],
						sizes[i + j]);
			keep[j] = NULL;
			if (v == BVP_PASS || !nic->pol.enforce)
				keep[j] = packets[i + j];
		}
		spinlock_unlock (&nic->lock);
		for (j = k = 0; j < n; j++) {
			if (keep[j]) {
				keep[k] = keep[j];
				keep_size[k++] = sizes[i + j];
			}
		}
		if (k)
			to->func->send (to->handle, k, keep, keep_size, true);
	}
}

static void
from_guest (void *handle, unsigned int num, void **packets,
	    unsigned int *sizes, void *param, long *premap)
{
	struct bvnic *nic = param;

	forward (nic, &nic->phys, true, num, packets, sizes);
}

static void
from_wire (void *handle, unsigned int num, void **packets,
	   unsigned int *sizes, void *param, long *premap)
{
	struct bvnic *nic = param;

	forward (nic, &nic->virt, false, num, packets, sizes);
}

/* ---------------------------------------------------------------- netapi */

static void *
bvpolicy_new_nic (char *arg, void *param)
{
	struct bvnic *nic;

	nic = alloc (sizeof *nic);
	memset (nic, 0, sizeof *nic);
	spinlock_init (&nic->lock);
	nic->pol.enforce = true;
	nic->arg = arg ? arg : BVPOLICY_DEFAULT;
	parse_config (&nic->pol, nic->arg);
	return nic;
}

static bool
bvpolicy_init (void *handle, void *phys_handle, struct nicfunc *phys_func,
	       void *virt_handle, struct nicfunc *virt_func)
{
	struct bvnic *nic = handle;

	if (!virt_func) {
		printf ("bvpolicy: needs virtio=1 (a device to show the"
			" guest)\n");
		return false;
	}
	nic->phys.handle = phys_handle;
	nic->phys.func = phys_func;
	nic->virt.handle = virt_handle;
	nic->virt.func = virt_func;
	return true;
}

static void
bvpolicy_start (void *handle)
{
	struct bvnic *nic = handle;
	struct nicinfo info;

	/* The guest's virtio-net device shows it the NIC's own MAC. */
	nic->phys.func->get_nic_info (nic->phys.handle, &info);
	memcpy (nic->pol.guest_mac, info.mac_address, 6);
	printf ("bvpolicy: %s, %d rule(s), guest %02x:%02x:%02x:%02x:%02x:%02x"
		" [%s]\n", nic->pol.enforce ? "enforcing" : "allow-all",
		nic->pol.nrules, info.mac_address[0], info.mac_address[1],
		info.mac_address[2], info.mac_address[3],
		info.mac_address[4], info.mac_address[5], nic->arg);
	if (!reported)
		reported = nic;
	nic->phys.func->set_recv_callback (nic->phys.handle, from_wire, nic);
	nic->virt.func->set_recv_callback (nic->virt.handle, from_guest, nic);
}

/* ---------------------------------------------------------------- vmmcall */

static void
print_counters (struct bvpolicy_counters *c, u32 guest_ip)
{
	printf ("bvpolicy: guest %u.%u.%u.%u%s\n", guest_ip >> 24,
		guest_ip >> 16 & 255, guest_ip >> 8 & 255, guest_ip & 255,
		guest_ip ? "" : " (not known yet)");
	printf ("bvpolicy: out pass %u deny %u spoof %u malformed %u;"
		" in pass %u drop %u\n", c->out_pass, c->out_deny,
		c->out_spoof, c->out_malformed, c->in_pass, c->in_drop);
	printf ("bvpolicy: out arp %u tcp %u udp %u icmp %u other-ip %u"
		" other %u\n", c->arp, c->tcp, c->udp, c->icmp, c->other_ip,
		c->other);
}

/* Any guest code may call this, user mode included (BitVisor's vmmcall
 * dispatch does not look at the CPL). The copy is taken under the lock
 * and written out after it, byte by byte, so a bad address fails cleanly
 * (BitVisor's guest-memory writes check that the page is present and
 * writable, not that it is a user page: module/README.md). */
static void
bvpolicy_vmmcall (void)
{
	struct bvpolicy_counters c;
	u32 ip;
	ulong buf, size, i;
	u8 *b = (u8 *)&c;

	vmmcall_arch_read_arg (1, &buf);
	vmmcall_arch_read_arg (2, &size);
	if (!reported) {
		vmmcall_arch_write_ret (0);
		return;
	}
	spinlock_lock (&reported->lock);
	c = reported->pol.count;
	ip = reported->pol.guest_ip;
	spinlock_unlock (&reported->lock);
	c.magic = BVPOLICY_MAGIC;
	c.version = BVPOLICY_VERSION;
	if (!buf) {
		print_counters (&c, ip);
		vmmcall_arch_write_ret (1);
		return;
	}
	if (size < sizeof c) {
		vmmcall_arch_write_ret (0);
		return;
	}
	for (i = 0; i < sizeof c; i++) {
		if (gmm_arch_writelinear_b (buf + i, b[i]) != GMM_ACCESS_OK) {
			vmmcall_arch_write_ret (0);
			return;
		}
	}
	vmmcall_arch_write_ret (sizeof c);
}

static void
bvpolicy_net_init (void)
{
	static struct netfunc func = {
		.new_nic = bvpolicy_new_nic,
		.init = bvpolicy_init,
		.start = bvpolicy_start,
	};

	net_register ("bvpolicy", &func, NULL);
}

static void
bvpolicy_vmmcall_init (void)
{
	vmmcall_register ("bvpolicy", bvpolicy_vmmcall);
}

INITFUNC ("driver1", bvpolicy_net_init);
INITFUNC ("vmmcal1", bvpolicy_vmmcall_init);
