# Lists methods longer than N lines (default 80) under a folder: python3 .ci/long-methods.py src 80 (a brace-counting heuristic, not a parser).
import re,sys,os
root=sys.argv[1]; limit=int(sys.argv[2]) if len(sys.argv)>2 else 80
sig=re.compile(r'^\s*(public|private|internal|protected|static|override|async|unsafe|readonly|\w+\s*<).*\)\s*(where .*)?$|^\s*(public|private|internal|protected|static).*\(\s*$')
for d,_,fs in os.walk(root):
    if '/obj' in d or '/bin' in d: continue
    for f in fs:
        if not f.endswith('.cs'): continue
        p=os.path.join(d,f); L=open(p,encoding='utf-8').read().split('\n')
        i=0
        while i<len(L):
            line=L[i]
            if re.match(r'^\s*(public|private|internal|protected|static|void|bool|int|double|float|long|string)\b',line) and '(' in line and not line.strip().endswith(';') and ' class ' not in line and ' struct ' not in line and '=>' not in line:
                # find opening brace
                j=i
                while j<len(L) and L[j].strip()!='{' and not L[j].rstrip().endswith('{'):
                    if L[j].strip().endswith(';') or '=>' in L[j]: j=-1;break
                    j+=1
                if j<0 or j>=len(L): i+=1; continue
                depth=0;k=j
                while k<len(L):
                    depth+=L[k].count('{')-L[k].count('}')
                    if depth==0: break
                    k+=1
                n=k-i+1
                if n>limit: print(n,p,i+1,line.strip()[:90])
                i=j+1
                continue
            i+=1
