# ruff: noqa: E501  (CSS and JavaScript text, kept one rule per line)
"""The page's own style and script (the plotting library, plotly.js, is inlined from the
plotly package by :func:`plotly_js`). Nothing here loads anything from a network."""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["CSS", "JS", "plotly_js"]


@cache
def plotly_js() -> str:
    """plotly.js as shipped inside the plotly Python package (MIT)."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return path.read_text(encoding="utf-8")


CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
header{background:#15324d;color:#fff;padding:14px 28px}
header h1{margin:0;font-size:22px} header p{margin:4px 0 0;opacity:.85;font-size:13px}
nav{padding:6px 28px;background:#e4e9ef;font-size:13px} nav a{margin-right:14px;color:#15324d}
main{padding:8px 28px 40px;max-width:1400px}
section{background:#fff;border-radius:6px;padding:10px 18px;margin:14px 0;box-shadow:0 1px 2px #0002}
h2{font-size:18px;border-bottom:1px solid #dde;padding-bottom:4px} h3{font-size:15px;margin:14px 0 4px}
table{border-collapse:collapse;font-size:13px;margin:6px 0} td,th{border:1px solid #dde;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eef2f6} code{font-size:12px;word-break:break-all}
.fig{border:1px solid #e3e6ea;border-radius:4px;margin:12px 0;padding:6px}
.fig .plot{height:420px} .caption{font-size:12.5px;color:#333;margin:2px 4px} .note{font-size:11.5px;color:#777;margin:2px 4px}
.tools{font-size:12.5px;display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin:4px}
.tools button{font-size:12px;padding:2px 8px}
.warn{color:#8a4b00} .bad{color:#b00020} .ok{color:#1b6e20} .muted{color:#777}
"""

JS = r"""
(function(){
'use strict';
const DATA = JSON.parse(document.getElementById('report-data').textContent);
function dec(b64){const s=atob(b64);const u=new Uint8Array(s.length);
  for(let i=0;i<s.length;i++){u[i]=s.charCodeAt(i);} return new Float64Array(u.buffer);}
const FIGS = {};
function parseHide(text){const out=new Set();
  for(const part of text.split(',')){const p=part.trim(); if(!p) continue;
    const m=p.match(/^(\d+)\s*-\s*(\d+)$/);
    if(m){for(let c=+m[1];c<=+m[2];c++) out.add(c);} else if(/^\d+$/.test(p)) out.add(+p);}
  return out;}
function plotTraces(st){
  const f=st.spec, out=[];
  const prev={}; const gd=st.div;
  if(gd.data){for(const t of gd.data){prev[t.name]=t.visible;}}
  st.traces.forEach((t,k)=>{
    if(t.cycle!==null && (t.cycle<st.lo || t.cycle>st.hi || st.hidden.has(t.cycle))) return;
    const tr=Object.assign({type:'scatter',name:t.name,x:t.x,y:t.y,mode:t.mode,yaxis:t.yaxis},t.style);
    if(t.cycle!==null && f.cycles.length>1){
      const frac=(t.cycle-f.cycles[0])/Math.max(1,f.cycles[f.cycles.length-1]-f.cycles[0]);
      tr.line=Object.assign({color:'hsl('+Math.round(250-230*frac)+',70%,45%)'},tr.line||{});
      tr.marker=Object.assign({color:tr.line.color},tr.marker||{});}
    if(prev[t.name]==='legendonly') tr.visible='legendonly';
    out.push(tr);});
  return out;}
function layout(f){
  const l={title:{text:f.title,font:{size:14}},margin:{l:60,r:f.y2Title?60:20,t:40,b:50},
    xaxis:{title:{text:f.xTitle},type:f.logX?'log':'linear'},
    yaxis:{title:{text:f.yTitle},type:f.logY?'log':'linear'},
    legend:{orientation:'v'},shapes:f.shapes,hovermode:'closest'};
  if(f.y2Title) l.yaxis2={title:{text:f.y2Title},overlaying:'y',side:'right'};
  if(f.equalAxes) l.yaxis.scaleanchor='x';
  if(f.yRange) l.yaxis.range=f.yRange;
  return l;}
const CONFIG={responsive:true,displaylogo:false,
  toImageButtonOptions:{format:'svg'},modeBarButtonsToAdd:[]};
function render(st){
  Plotly.react(st.div, plotTraces(st), layout(st.spec), CONFIG);
  if(st.label) st.label.textContent=st.spec.selector+' '+st.lo+' to '+st.hi+
    (st.hidden.size? ' (hidden: '+[...st.hidden].join(', ')+')':'');}
function csvOf(st){
  const f=st.spec, q=s=>'"'+String(s).replace(/"/g,'""')+'"';
  const lines=['# '+f.title, '# '+(f.caption||''), '# '+(f.note||'all points drawn'),
    'trace,'+q(f.xTitle)+','+q(f.yTitle)];
  for(const t of st.div.data){
    if(t.visible==='legendonly'||t.visible===false) continue;
    const x=t.x, y=t.y;
    for(let i=0;i<x.length;i++){lines.push(q(t.name)+','+x[i]+','+y[i]);}}
  return lines.join('\n')+'\n';}
function download(name, text, type){
  const a=document.createElement('a'); a.href=URL.createObjectURL(new Blob([text],{type:type}));
  a.download=name; document.body.appendChild(a); a.click();
  setTimeout(()=>{URL.revokeObjectURL(a.href); a.remove();},1000);}
function setup(spec){
  const box=document.getElementById('fig-'+spec.id);
  const st={spec:spec, div:box.querySelector('.plot'), hidden:new Set(),
    traces:spec.traces.map(t=>Object.assign({},t,{x:dec(t.x),y:dec(t.y)})),
    lo:spec.cycles.length?spec.cycles[0]:0, hi:spec.cycles.length?spec.cycles[spec.cycles.length-1]:0};
  FIGS[spec.id]=st;
  const lo=box.querySelector('.cyc-lo'), hi=box.querySelector('.cyc-hi');
  if(lo && hi){
    const n=spec.cycles.length; if(n>40){st.hi=spec.cycles[19];}
    for(const el of [lo,hi]){el.min=spec.cycles[0]; el.max=spec.cycles[n-1]; el.step=1;}
    lo.value=st.lo; hi.value=st.hi; st.label=box.querySelector('.cyc-label');
    const move=()=>{let a=+lo.value,b=+hi.value; if(a>b){[a,b]=[b,a];} st.lo=a; st.hi=b; render(st);};
    lo.addEventListener('input',move); hi.addEventListener('input',move);
    box.querySelector('.cyc-hide').addEventListener('change',e=>{st.hidden=parseHide(e.target.value); render(st);});
    box.querySelector('.cyc-all').addEventListener('click',()=>{lo.value=spec.cycles[0];hi.value=spec.cycles[n-1];
      box.querySelector('.cyc-hide').value=''; st.hidden=new Set(); move();});}
  box.querySelector('.dl-csv').addEventListener('click',()=>download(spec.id+'.csv',csvOf(st),'text/csv'));
  box.querySelector('.dl-png').addEventListener('click',()=>Plotly.downloadImage(st.div,{format:'png',filename:spec.id,width:1200,height:600}));
  box.querySelector('.dl-svg').addEventListener('click',()=>Plotly.downloadImage(st.div,{format:'svg',filename:spec.id,width:1200,height:600}));
  render(st);}
window.lithiophileReport={figures:FIGS, csvOf:csvOf, decode:dec};
for(const spec of DATA.figures){ try{ setup(spec); }catch(e){ console.error('figure '+spec.id+': '+e); } }
document.body.setAttribute('data-ready','1');
})();
"""
