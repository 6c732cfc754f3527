// The test services (services.c), as netinit.c sees them.

void            services_start(void);
