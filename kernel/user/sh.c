// sh: the shell.
//
// One input line is handled in three steps, each with its own fixed-size
// table so that no input, however long or malformed, can overflow
// anything:
//
//   1. readline() reads the line into line[]; longer lines are read to
//      their end, discarded and reported.
//   2. lex() cuts the line into tokens: words (with '...' or "..."
//      quoting) and the operators | < > >> ; &. Word text is copied,
//      NUL-terminated, into words[]. A '#' where a word would start
//      begins a comment that runs to the end of the line.
//   3. parse() groups tokens into commands (argv plus redirections) and
//      commands into jobs: a job is a pipeline cmd | cmd | ..., ended by
//      ';' (run it and wait), '&' (run it in the background) or the end
//      of the line. Every syntax error is found here, before anything
//      runs, so a bad line runs nothing.
//
// A foreground job's processes are children of the shell, which waits
// until it has reaped all of them. A background job is started through
// an intermediate child that exits at once, so the job's processes become
// orphans that init reaps; the shell never has to collect them later.
//
// cd and exit are built in: they must change the shell process itself.
// The prompt "$ " is printed only when standard input is the console, so
// `sh < script` runs quietly.

#include "types.h"
#include "stat.h"
#include "fcntl.h"
#include "param.h"
#include "user.h"

#define MAXLINE   512   // longest input line, newline included
#define MAXTOK    128   // tokens per line
#define MAXARGS   MAXARG   // words per command, the command name included (exec's limit)
#define MAXCMDS   16    // commands per line
#define MAXJOBS   16    // pipelines per line

enum tokkind { WORD, PIPE, IN, OUT, APPEND, SEMI, AMP };

struct token {
  enum tokkind kind;
  char *word;           // WORD only: its text in words[]
};

struct cmd {
  char *argv[MAXARGS+1];
  int argc;
  char *in;             // file for <, or 0
  char *out;            // file for > or >>, or 0
  int append;           // out is >>
};

struct job {
  int first;            // index of its first command in cmds[]
  int ncmds;
  int background;
};

static char line[MAXLINE];
static char words[MAXLINE*2];
static struct token toks[MAXTOK];
static int ntoks;
static struct cmd cmds[MAXCMDS];
static int ncmds;
static struct job jobs[MAXJOBS];
static int njobs;

// ---------------------------------------------------------------- input

// Read one line into line[] without its newline. Returns 1 for a line,
// 0 at end of input, -1 for a line that was too long (consumed and
// dropped, so the next read starts on the following line).
static int
readline(void)
{
  int n = 0, toolong = 0, got = 0;
  char c;

  while(read(0, &c, 1) == 1){
    got = 1;
    if(c == '\n' || c == '\r')
      break;
    if(n < MAXLINE - 1)
      line[n++] = c;
    else
      toolong = 1;
  }
  line[n] = 0;
  if(toolong)
    return -1;
  return got ? 1 : 0;
}

// ---------------------------------------------------------------- lexing

static int
isspace(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
isspecial(char c)
{
  return c == '|' || c == '<' || c == '>' || c == ';' || c == '&';
}

static const char*
tokname(struct token *t)
{
  switch(t->kind){
  case WORD:   return t->word;
  case PIPE:   return "|";
  case IN:     return "<";
  case OUT:    return ">";
  case APPEND: return ">>";
  case SEMI:   return ";";
  case AMP:    return "&";
  }
  return "?";
}

// Copy one word starting at *sp into words[] at *wp, handling quotes.
// Returns 0, or -1 with a message for an unterminated quote.
static int
lexword(char **sp, char **wp)
{
  char *s = *sp, *w = *wp, q;

  while(*s && !isspace(*s) && !isspecial(*s)){
    if(*s == '\'' || *s == '"'){
      q = *s++;
      while(*s && *s != q)
        *w++ = *s++;
      if(*s != q){
        fprintf(2, "sh: syntax error: unterminated %c\n", q);
        return -1;
      }
      s++;
    } else {
      *w++ = *s++;
    }
  }
  *w++ = 0;
  *sp = s;
  *wp = w;
  return 0;
}

// Cut line[] into toks[]. Returns 0, or -1 after printing why not.
static int
lex(void)
{
  char *s = line, *w = words;
  struct token *t;

  ntoks = 0;
  for(;;){
    while(isspace(*s))
      s++;
    if(*s == 0 || *s == '#')
      return 0;
    if(ntoks == MAXTOK){
      fprintf(2, "sh: too many words on one line (max %d)\n", MAXTOK);
      return -1;
    }
    t = &toks[ntoks++];
    t->word = 0;
    switch(*s){
    case '|': t->kind = PIPE; s++; break;
    case '<': t->kind = IN;   s++; break;
    case ';': t->kind = SEMI; s++; break;
    case '&': t->kind = AMP;  s++; break;
    case '>':
      s++;
      t->kind = OUT;
      if(*s == '>'){
        t->kind = APPEND;
        s++;
      }
      break;
    default:
      t->kind = WORD;
      t->word = w;
      if(lexword(&s, &w) < 0)
        return -1;
      break;
    }
  }
}

// ---------------------------------------------------------------- parsing

static int
syntaxerr(int i)
{
  if(i < ntoks)
    fprintf(2, "sh: syntax error near '%s'\n", tokname(&toks[i]));
  else
    fprintf(2, "sh: syntax error near end of line\n");
  return -1;
}

// Parse one command starting at toks[*ip] into a new cmds[] slot.
static int
parsecmd(int *ip)
{
  int i = *ip;
  struct cmd *c;
  enum tokkind k;

  if(ncmds == MAXCMDS){
    fprintf(2, "sh: too many commands on one line (max %d)\n", MAXCMDS);
    return -1;
  }
  c = &cmds[ncmds++];
  memset(c, 0, sizeof(*c));
  for(; i < ntoks; i++){
    k = toks[i].kind;
    if(k == WORD){
      if(c->argc == MAXARGS){
        fprintf(2, "sh: too many arguments (max %d)\n", MAXARGS);
        return -1;
      }
      c->argv[c->argc++] = toks[i].word;
    } else if(k == IN || k == OUT || k == APPEND){
      if(i + 1 >= ntoks || toks[i+1].kind != WORD)
        return syntaxerr(i + 1);
      if(k == IN)
        c->in = toks[i+1].word;
      else {
        c->out = toks[i+1].word;
        c->append = (k == APPEND);
      }
      i++;
    } else {
      break;
    }
  }
  if(c->argc == 0)
    return syntaxerr(i);
  *ip = i;
  return 0;
}

// Parse toks[] into jobs[] and cmds[]. Returns 0 or -1 (message printed).
static int
parse(void)
{
  int i = 0;
  struct job *j;

  ncmds = njobs = 0;
  while(i < ntoks){
    if(njobs == MAXJOBS){
      fprintf(2, "sh: too many commands on one line (max %d)\n", MAXJOBS);
      return -1;
    }
    j = &jobs[njobs++];
    j->first = ncmds;
    j->ncmds = 0;
    j->background = 0;
    for(;;){
      if(parsecmd(&i) < 0)
        return -1;
      j->ncmds++;
      if(i < ntoks && toks[i].kind == PIPE){
        i++;
        continue;
      }
      break;
    }
    if(i < ntoks){
      if(toks[i].kind != SEMI && toks[i].kind != AMP)
        return syntaxerr(i);
      j->background = (toks[i].kind == AMP);
      i++;
    }
  }
  return 0;
}

// ---------------------------------------------------------------- running

// Make fd become descriptor target (there is no dup2: close target, then
// dup hands out the lowest free descriptor, which is target).
static void
moveto(int fd, int target)
{
  if(fd == target)
    return;
  close(target);
  if(dup(fd) != target){
    fprintf(2, "sh: cannot set up fd %d\n", target);
    exit(1);
  }
  close(fd);
}

// Position fd at the end of its file. There is no lseek system call, so
// read to the end; the file offset then points where >> must append.
static void
skiptoend(int fd)
{
  char buf[512];

  while(read(fd, buf, sizeof(buf)) > 0)
    ;
}

// In the child: apply c's redirections (they win over pipe ends).
static void
redirect(struct cmd *c)
{
  int fd;

  if(c->in){
    fd = open(c->in, O_RDONLY);
    if(fd < 0){
      fprintf(2, "sh: cannot open %s\n", c->in);
      exit(1);
    }
    moveto(fd, 0);
  }
  if(c->out){
    if(c->append)
      fd = open(c->out, O_RDWR|O_CREATE);
    else
      fd = open(c->out, O_WRONLY|O_CREATE|O_TRUNC);
    if(fd < 0){
      fprintf(2, "sh: cannot create %s\n", c->out);
      exit(1);
    }
    if(c->append)
      skiptoend(fd);
    moveto(fd, 1);
  }
}

// Built-ins: return 1 if c was one (and has been run), else 0.
static int
builtin(struct cmd *c)
{
  char *dir;

  if(strcmp(c->argv[0], "cd") == 0){
    dir = c->argc > 1 ? c->argv[1] : "/";
    if(chdir(dir) < 0)
      fprintf(2, "sh: cd: cannot cd to %s\n", dir);
    return 1;
  }
  if(strcmp(c->argv[0], "exit") == 0)
    exit(c->argc > 1 ? atoi(c->argv[1]) : 0);
  return 0;
}

// In the child: run c, never returning. A name without '/' that is not
// found as given (relative to the current directory) is tried in /.
static void
runcmd(struct cmd *c)
{
  char path[MAXLINE];
  int n;

  redirect(c);
  if(builtin(c))
    exit(0);
  exec(c->argv[0], c->argv);
  n = strlen(c->argv[0]);
  if(strchr(c->argv[0], '/') == 0 && n + 2 <= sizeof(path)){
    path[0] = '/';
    strcpy(path + 1, c->argv[0]);
    exec(path, c->argv);
  }
  fprintf(2, "sh: exec %s failed\n", c->argv[0]);
  exit(1);
}

// Start the commands of j connected by pipes and wait for all of them.
// Returns the exit status of the last command.
static int
runpipeline(struct job *j)
{
  int i, pid, p[2], prevread = -1, started = 0, laststatus = 0;
  int lastpid = -1, status, wpid;
  struct cmd *c;

  for(i = 0; i < j->ncmds; i++){
    c = &cmds[j->first + i];
    p[0] = p[1] = -1;
    if(i < j->ncmds - 1 && pipe(p) < 0){
      fprintf(2, "sh: pipe failed\n");
      break;
    }
    pid = fork();
    if(pid == 0){
      if(prevread >= 0)
        moveto(prevread, 0);
      if(p[1] >= 0){
        close(p[0]);
        moveto(p[1], 1);
      }
      runcmd(c);
    }
    if(prevread >= 0)
      close(prevread);
    if(p[1] >= 0)
      close(p[1]);
    prevread = p[0];
    if(pid < 0){
      fprintf(2, "sh: fork failed\n");
      break;
    }
    started++;
    lastpid = pid;
  }
  if(prevread >= 0)
    close(prevread);

  while(started > 0){
    wpid = wait(&status);
    if(wpid < 0)
      break;
    // Only count this job's processes; a stray child (there should be
    // none, background jobs are orphaned) must not end the wait early.
    if(wpid == lastpid)
      laststatus = status;
    started--;
  }
  return laststatus;
}

// Run j in the background: an intermediate child starts the job and
// exits at once, so the job's processes are orphans reaped by init.
static void
runbackground(struct job *j)
{
  int pid, jobpid;

  pid = fork();
  if(pid < 0){
    fprintf(2, "sh: fork failed\n");
    return;
  }
  if(pid == 0){
    jobpid = fork();
    if(jobpid == 0)
      exit(runpipeline(j));
    if(jobpid < 0)
      fprintf(2, "sh: fork failed\n");
    else
      printf("[%d]\n", jobpid);
    exit(0);
  }
  wait(0);
}

static void
runjob(struct job *j)
{
  if(j->background){
    runbackground(j);
    return;
  }
  // A lone built-in runs in the shell itself; anywhere else (in a
  // pipeline) it runs in a child like any command.
  if(j->ncmds == 1 && cmds[j->first].in == 0 && cmds[j->first].out == 0 &&
     builtin(&cmds[j->first]))
    return;
  runpipeline(j);
}

static int
interactive(void)
{
  struct stat st;

  return fstat(0, &st) == 0 && st.type == T_DEV;
}

int
main(void)
{
  int i, r, prompt;

  prompt = interactive();
  for(;;){
    if(prompt)
      write(1, "$ ", 2);
    r = readline();
    if(r == 0)
      break;
    if(r < 0){
      fprintf(2, "sh: line too long (max %d characters)\n", MAXLINE - 1);
      continue;
    }
    if(lex() < 0 || parse() < 0)
      continue;
    for(i = 0; i < njobs; i++)
      runjob(&jobs[i]);
  }
  exit(0);
}
